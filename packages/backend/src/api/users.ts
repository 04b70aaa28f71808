import {
  type CountUsersQuery,
  type ListUsersQuery,
  passwordVerificationObject,
  totalCountObject,
  type UserJSON,
  userObject,
  type CreateUserParams as WireCreateUserParams,
  type UpdateUserParams as WireUpdateUserParams,
  type UserMetadataParams as WireUserMetadataParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import { ApiResponseError } from '../errors';
import { type CamelParams, toWireBody } from '../internal/case';
import { pathId } from '../internal/validate';
import type { DeletedObject } from '../resources/deleted-object';
import type { PaginatedList } from '../resources/misc';
import { readWire } from '../resources/read-wire';
import { toUser, User } from '../resources/user';
import type { CreateOptions } from './common';
import { createCrudApi, metadataMethod } from './crud';

/**
 * The fields of a new user; metadata objects are stored exactly as given.
 *
 * @example
 * ```ts
 * const params: CreateUserParams = { emailAddress: ['ada@example.com'], publicMetadata: { role: 'admin' } };
 * ```
 */
export type CreateUserParams = CamelParams<WireCreateUserParams>;

/**
 * Fields to change; `null` clears a nullable field.
 *
 * @example
 * ```ts
 * const params: UpdateUserParams = { firstName: 'Ada', lastName: null };
 * ```
 */
export type UpdateUserParams = CamelParams<WireUpdateUserParams>;

/**
 * Metadata to merge (`users.updateMetadata`) or to put in place (`users.replaceMetadata`); a
 * metadata left out is left as it is. Its keys are sent as given.
 *
 * @example
 * ```ts
 * const params: UserMetadataParams = { publicMetadata: { role: 'admin', legacyFlag: null } };
 * ```
 */
export type UserMetadataParams = CamelParams<WireUserMetadataParams>;

/**
 * Filters (arrays match any of their values) and paging of `users.list`.
 *
 * @example
 * ```ts
 * const params: ListUsersParams = { emailAddress: ['a@x.io', 'b@x.io'], orderBy: '-created_at' };
 * ```
 */
export type ListUsersParams = Omit<CamelParams<ListUsersQuery>, 'paginated'>;

/**
 * Filters of `users.count`.
 *
 * @example
 * ```ts
 * const params: CountUsersParams = { query: 'ada' };
 * ```
 */
export type CountUsersParams = CamelParams<CountUsersQuery>;

/**
 * `client.users`: create fixtures, read, update, ban and delete users.
 *
 * @example
 * ```ts
 * const user = await client.users.create({ emailAddress: ['ada@example.com'] });
 * await client.users.ban(user.id);
 * ```
 */
export interface UsersApi {
  /** `POST /v1/users` with an `Idempotency-Key`. */
  create(params: CreateUserParams, options?: CreateOptions): Promise<User>;
  /** `GET /v1/users/{id}`. */
  get(userId: string): Promise<User>;
  /** `GET /v1/users?paginated=true&...`. */
  list(params?: ListUsersParams): Promise<PaginatedList<User>>;
  /** `GET /v1/users/count`. */
  count(params?: CountUsersParams): Promise<number>;
  /** `PATCH /v1/users/{id}`. */
  update(userId: string, params: UpdateUserParams): Promise<User>;
  /** `DELETE /v1/users/{id}`. */
  delete(userId: string): Promise<DeletedObject<'user'>>;
  /** `POST /v1/users/{id}/ban`: revokes the user's sessions and refuses new ones. */
  ban(userId: string): Promise<User>;
  /** `POST /v1/users/{id}/unban`. */
  unban(userId: string): Promise<User>;
  /** `POST /v1/users/{id}/lock`: no ticket signs the user in until unlocked; their sessions go on. */
  lock(userId: string): Promise<User>;
  /** `POST /v1/users/{id}/unlock`. */
  unlock(userId: string): Promise<User>;
  /**
   * `PATCH /v1/users/{id}/metadata`: deep merge. Nested objects merge; a key set to `null` is
   * removed, at any level.
   */
  updateMetadata(userId: string, params: UserMetadataParams): Promise<User>;
  /** `PUT /v1/users/{id}/metadata`: each metadata given replaces the stored one (`{}` clears it). */
  replaceMetadata(userId: string, params: UserMetadataParams): Promise<User>;
  /**
   * `POST /v1/users/{id}/verify_password`: true when `password` is the user's, false when it is not.
   * A user without a password throws (`password_not_set`), as does any other failure.
   */
  verifyPassword(userId: string, password: string): Promise<boolean>;
}

const readCount = (json: unknown): number => readWire(totalCountObject, json, 'TotalCount').total_count;
const users = {
  path: '/users',
  resource: 'User',
  idOption: 'userId',
  schema: userObject,
  map: toUser,
  // An arrow, not `User.fromJSON` read at load: a bundler keeps a module-level property read (it
  // might run a getter), and with it this module in an app that uses no client.
  read: (json: unknown) => User.fromJSON(json),
  deleted: 'user',
} as const;

export function createUsersApi(request: Requester): UsersApi {
  const { resource, read } = users;
  const byId = (id: unknown, suffix = '') => `/users/${pathId('userId', id)}${suffix}`;
  const action = (suffix: string) => async (id: string) =>
    request({ method: 'POST', path: byId(id, suffix), resource, read });
  return {
    ...createCrudApi<UserJSON, User, 'user', CreateUserParams, UpdateUserParams, ListUsersParams>(
      request,
      users,
    ),
    count: async (params = {}) =>
      request({
        method: 'GET',
        path: '/users/count',
        query: toWireBody(params),
        resource: 'TotalCount',
        read: readCount,
      }),
    ban: action('/ban'),
    unban: action('/unban'),
    lock: action('/lock'),
    unlock: action('/unlock'),
    updateMetadata: metadataMethod(request, users, 'PATCH'),
    replaceMetadata: metadataMethod(request, users, 'PUT'),
    verifyPassword: async (id, password) => {
      try {
        return await request({
          method: 'POST',
          path: byId(id, '/verify_password'),
          body: { password },
          resource: 'PasswordVerification',
          read: (json) => readWire(passwordVerificationObject, json, 'PasswordVerification').verified,
        });
      } catch (error) {
        if (error instanceof ApiResponseError && error.code === 'form_password_incorrect') return false;
        throw error;
      }
    },
  };
}

import type { OrganizationJSON } from '@tessera/wire';
import type { Command } from 'commander';
import { type ApiOptions, createApiClient } from '../api-client';
import type { CliIo } from '../io';
import { jsonObjectOption, limit, wholeNumber } from '../options';
import { formatTime, printable, printJson, printTable } from '../output';
import { getOrganization, orgPath } from '../resolve-organization';
import { resolveUserId } from '../resolve-user';
import { registerMembershipCommands } from './org-members';

interface CreateOptions extends ApiOptions {
  readonly slug?: string;
  readonly createdBy?: string;
  readonly maxMembers?: string;
  readonly publicMetadata?: string;
  readonly privateMetadata?: string;
}

/** The most members an organization may be given a cap of (0: no cap), as the wire bounds it. */
const MAX_MEMBERS = 100_000;

/** "Acme (acme, org_...)": how a line names an organization. */
export function organizationLabel(org: Pick<OrganizationJSON, 'id' | 'name' | 'slug'>): string {
  return `${printable(org.name)} (${printable(org.slug)}, ${org.id})`;
}

function describe(org: OrganizationJSON): string {
  const lines: [string, string][] = [
    ['ID', org.id],
    ['Name', printable(org.name)],
    ['Slug', printable(org.slug)],
    ['Members', org.members_count === undefined ? '-' : String(org.members_count)],
    ['Max members', org.max_allowed_memberships === 0 ? 'no limit' : String(org.max_allowed_memberships)],
    ['Created by', org.created_by ?? '-'],
    ['Created', formatTime(org.created_at)],
    ['Public metadata', printable(JSON.stringify(org.public_metadata))],
    ['Private metadata', printable(JSON.stringify(org.private_metadata))],
  ];
  return `${lines.map(([label, value]) => `${`${label}:`.padEnd(18)}${value}`).join('\n')}\n`;
}

function registerCreate(orgs: Command, io: CliIo): void {
  orgs
    .command('create')
    .description('create an organization')
    .argument('<name>', 'its display name')
    .option('--slug <slug>', 'lower-case letters, digits and "-" (default: made from the name)')
    .option('--created-by <user>', 'id, email or username of its first member, who becomes org:admin')
    .option('--max-members <n>', `most members it may have, 0 for no limit (0 to ${MAX_MEMBERS}; default 0)`)
    .option('--public-metadata <json>', 'a JSON object your app can read, also from session JWTs')
    .option('--private-metadata <json>', 'a JSON object only the Backend API shows')
    .option('--json', 'print the organization as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ tessera orgs create "Acme Inc" --slug acme --created-by alice@example.com',
        '  $ tessera orgs create Globex --max-members 5 --public-metadata \'{"plan":"pro"}\'',
      ].join('\n'),
    )
    .action(async (name: string, options: CreateOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const publicMetadata =
        options.publicMetadata === undefined
          ? undefined
          : jsonObjectOption('--public-metadata', options.publicMetadata);
      const privateMetadata =
        options.privateMetadata === undefined
          ? undefined
          : jsonObjectOption('--private-metadata', options.privateMetadata);
      const maxMembers =
        options.maxMembers === undefined
          ? undefined
          : wholeNumber('--max-members', options.maxMembers, 0, MAX_MEMBERS);
      const client = createApiClient(io, apiUrl);
      const createdBy =
        options.createdBy === undefined ? undefined : await resolveUserId(client, options.createdBy);
      const org = await client.request<OrganizationJSON>('POST', '/v1/organizations', {
        body: {
          name,
          ...(options.slug !== undefined && { slug: options.slug }),
          ...(createdBy !== undefined && { created_by: createdBy }),
          ...(maxMembers !== undefined && { max_allowed_memberships: maxMembers }),
          ...(publicMetadata && { public_metadata: publicMetadata }),
          ...(privateMetadata && { private_metadata: privateMetadata }),
        },
        flags: {
          name: { flag: '<name>', value: name },
          slug: { flag: '--slug', value: options.slug },
          created_by: { flag: '--created-by', value: options.createdBy },
          max_allowed_memberships: { flag: '--max-members', value: options.maxMembers },
          public_metadata: { flag: '--public-metadata', value: options.publicMetadata },
          private_metadata: { flag: '--private-metadata', value: options.privateMetadata },
        },
      });
      if (options.json) return printJson(io, org);
      io.stdout(
        `Created organization ${organizationLabel(org)}${createdBy ? `; ${createdBy} is its admin` : ''}\n`,
      );
    });
}

export function registerOrganizationCommands(program: Command, io: CliIo): void {
  const orgs = program
    .command('orgs')
    .description('create, list and delete organizations, and manage their members')
    .addHelpText(
      'after',
      '\nAn organization is named by its id (org_...) or its slug wherever one is asked for.',
    );

  registerCreate(orgs, io);

  orgs
    .command('list')
    .description('list organizations, newest first')
    .option('--query <text>', 'match part of an id, name or slug')
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ tessera orgs list --query acme')
    .action(async (options: ApiOptions & { query?: string; limit: string }, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const page = await createApiClient(io, apiUrl).request<{
        data: OrganizationJSON[];
        total_count: number;
      }>('GET', '/v1/organizations', {
        query: {
          query: options.query,
          limit: String(limit(options.limit)),
          include_members_count: 'true',
          paginated: 'true',
        },
      });
      if (options.json) return printJson(io, page.data);
      printTable(
        io,
        ['ID', 'NAME', 'SLUG', 'MEMBERS', 'CREATED'],
        page.data.map((org) => [
          org.id,
          org.name,
          org.slug,
          String(org.members_count ?? '-'),
          formatTime(org.created_at),
        ]),
        options.query === undefined
          ? 'No organizations yet. Create one with `tessera orgs create "Acme Inc" --slug acme`.'
          : 'No organization matches.',
      );
      if (page.total_count > page.data.length)
        io.stdout(`${page.data.length} of ${page.total_count} shown; raise --limit to see more.\n`);
    });

  orgs
    .command('get')
    .description('show one organization')
    .argument('<id-or-slug>', 'the organization id (org_...) or slug')
    .option('--json', 'print the organization as JSON')
    .addHelpText('after', '\nExample:\n  $ tessera orgs get acme')
    .action(async (idOrSlug: string, options: ApiOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const client = createApiClient(io, apiUrl);
      const org = await client.request<OrganizationJSON>('GET', orgPath(idOrSlug), {
        query: { include_members_count: 'true' },
      });
      if (options.json) return printJson(io, org);
      io.stdout(describe(org));
    });

  orgs
    .command('delete')
    .description('delete an organization and its memberships')
    .argument('<id-or-slug>', 'the organization id (org_...) or slug')
    .option('--json', 'print the deletion as JSON')
    .addHelpText('after', '\nExample:\n  $ tessera orgs delete acme')
    .action(async (idOrSlug: string, options: ApiOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const client = createApiClient(io, apiUrl);
      const org = await getOrganization(client, idOrSlug);
      const deleted = await client.request<{ id: string; deleted: boolean }>('DELETE', orgPath(org.id));
      if (options.json) return printJson(io, deleted);
      io.stdout(`Deleted organization ${organizationLabel(org)}\n`);
    });

  registerMembershipCommands(orgs, io);
}

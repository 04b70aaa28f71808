import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Executor } from './database';

/** Where each parameter of the compiled SQL comes from: a named value, or a constant of the query. */
type Slot = { readonly name: string } | { readonly constant: unknown };

interface Template {
  readonly query: CompiledQuery;
  readonly slots: readonly Slot[];
}

const STAND_IN = '\u0000tessera-value:';

/** Which database a query is compiled for, when the SQL must differ (a row lock Postgres needs). */
export type SqlDialectName = 'sqlite' | 'postgres';

type DirectRunner = (sql: string, parameters: readonly unknown[]) => Promise<QueryResult<never>>;

interface Registration {
  readonly dialect: SqlDialectName;
  /** Runs a compiled query straight on the driver, outside a transaction; none: through Kysely. */
  readonly direct?: DirectRunner;
}

/** By Kysely adapter: one per database, shared by every transaction on it. */
const registrations = new WeakMap<object, Registration>();

/**
 * Tells compiled queries which database `db` talks to. With `direct`, those outside a transaction
 * skip Kysely's executor (its connection provider and their promise hops) and go straight to the
 * driver, which gives the same result: SQLite's group-commit driver does.
 */
export function compileQueriesFor(db: Executor, registration: Registration): void {
  registrations.set(adapterOf(db), registration);
}

/**
 * Every node of one database shares a Kysely adapter, transactions included, and the SQL depends only
 * on it. (`getExecutor` is internal to Kysely; the version is pinned and bundled.)
 */
function adapterOf(db: Executor): object {
  return (db as unknown as { getExecutor(): { adapter: object } }).getExecutor().adapter;
}

function computedFromValue(sql: string): Error {
  return new Error(`compiledOnce: a parameter is computed from a value instead of being one: ${sql}`);
}

function compileTemplate<Values>(
  db: Executor,
  names: readonly (keyof Values & string)[],
  build: (db: Executor, values: Values, dialect: SqlDialectName | undefined) => Compilable<unknown>,
): Template {
  const standIns = Object.fromEntries(names.map((name) => [name, `${STAND_IN}${name}`])) as Values;
  const query = build(db, standIns, registrations.get(adapterOf(db))?.dialect).compile();
  const slots = query.parameters.map((parameter): Slot => {
    if (typeof parameter === 'string' && parameter.includes(STAND_IN)) {
      const name = parameter.slice(STAND_IN.length);
      // A value computed from a stand-in (`now + 1000`, `${name}%`) cannot be filled in later.
      if (!parameter.startsWith(STAND_IN) || !(names as readonly string[]).includes(name)) {
        throw computedFromValue(query.sql);
      }
      return { name };
    }
    // Arithmetic on a stand-in gives NaN, which no query means to bind.
    if (typeof parameter === 'number' && Number.isNaN(parameter)) throw computedFromValue(query.sql);
    return { constant: parameter };
  });
  for (const name of names) {
    if (!slots.some((slot) => 'name' in slot && slot.name === name)) {
      throw new Error(`compiledOnce: value "${name}" did not become a parameter of: ${query.sql}`);
    }
  }
  return { query, slots };
}

/**
 * A query Kysely builds and compiles once per database, then runs with new values. On the hot paths
 * (create a token, accept a ticket) building and compiling a query cost more than SQLite takes to
 * run a lookup by key. `build` gets stand-ins for `names`; each must reach the SQL as a parameter,
 * which is checked on first use. It also gets the database's name, where one was registered with
 * `compileQueriesFor`.
 */
export function compiledOnce<Values extends object, Row>(
  names: readonly (keyof Values & string)[],
  build: (db: Executor, values: Values, dialect: SqlDialectName | undefined) => Compilable<Row>,
): (db: Executor, values: Values) => Promise<QueryResult<Row>> {
  const templates = new WeakMap<object, Template>();
  return (db, values) => {
    const adapter = adapterOf(db);
    let template = templates.get(adapter);
    if (template === undefined) {
      try {
        template = compileTemplate(db, names, build);
      } catch (error) {
        return Promise.reject(error);
      }
      templates.set(adapter, template);
    }
    const parameters = template.slots.map((slot) =>
      'name' in slot ? (values as Record<string, unknown>)[slot.name] : slot.constant,
    );
    const direct = db.isTransaction ? undefined : registrations.get(adapter)?.direct;
    if (direct) {
      try {
        return direct(template.query.sql, parameters);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return db.executeQuery<Row>({ ...template.query, parameters });
  };
}

/** The keys of an object naming every column of a table (checked at compile time): an insert's values. */
export function columnsOf<Table>(columns: Record<keyof Table & string, unknown>): (keyof Table & string)[] {
  return Object.keys(columns) as (keyof Table & string)[];
}

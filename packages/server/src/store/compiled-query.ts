import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';
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

/** A compiled query with its values, ready to run. */
export interface BoundStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** The unit stops here, keeping nothing, when this statement changes no row. */
  readonly required?: boolean;
}

/** Runs statements as one unit: all kept, or none; false when a required one changed no row. */
type TogetherRunner = (statements: readonly BoundStatement[]) => Promise<boolean>;

/** Runs a statement prepared under `name` on each connection, so it is parsed and planned once there. */
type PreparedRunner = (name: string, sql: string, parameters: readonly unknown[]) => Promise<unknown[]>;

interface Registration {
  readonly dialect: SqlDialectName;
  /** Runs a compiled query straight on the driver, outside a transaction; none: through Kysely. */
  readonly direct?: DirectRunner;
  /** Runs statements as one unit straight on the driver, outside a transaction; none: a transaction. */
  readonly together?: TogetherRunner;
  /** Runs a named, prepared statement outside a transaction; none: as any other, through Kysely. */
  readonly prepared?: PreparedRunner;
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
export interface CompiledOnce<Values, Row> {
  (db: Executor, values: Values): Promise<QueryResult<Row>>;
  /** The statement with these values, to run with others through `runTogether`. */
  bind(db: Executor, values: Values): BoundStatement;
}

export function compiledOnce<Values extends object, Row>(
  names: readonly (keyof Values & string)[],
  build: (db: Executor, values: Values, dialect: SqlDialectName | undefined) => Compilable<Row>,
): CompiledOnce<Values, Row> {
  const templates = new WeakMap<object, Template>();
  const bind = (db: Executor, values: Values): { template: Template; parameters: unknown[] } => {
    const adapter = adapterOf(db);
    let template = templates.get(adapter);
    if (template === undefined) {
      template = compileTemplate(db, names, build);
      templates.set(adapter, template);
    }
    const parameters = template.slots.map((slot) =>
      'name' in slot ? (values as Record<string, unknown>)[slot.name] : slot.constant,
    );
    return { template, parameters };
  };
  const run = (db: Executor, values: Values): Promise<QueryResult<Row>> => {
    let bound: ReturnType<typeof bind>;
    try {
      bound = bind(db, values);
    } catch (error) {
      return Promise.reject(error);
    }
    const { template, parameters } = bound;
    const direct = db.isTransaction ? undefined : registrations.get(adapterOf(db))?.direct;
    if (direct) {
      try {
        return direct(template.query.sql, parameters);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return db.executeQuery<Row>({ ...template.query, parameters });
  };
  return Object.assign(run, {
    bind: (db: Executor, values: Values): BoundStatement => {
      const { template, parameters } = bind(db, values);
      return { sql: template.query.sql, parameters };
    },
  });
}

/**
 * Runs statements as one unit: every one is kept, or none is. It stops at a `required` statement
 * that changes no row and answers false, keeping nothing. On SQLite the statements run one after
 * another in one savepoint of the group commit's batch, with no transaction lock and no turn of the
 * event loop between them; on Postgres they run in a transaction. Not for use inside a transaction,
 * whose own statements a refused unit could not leave alone.
 */
export async function runTogether(db: Executor, statements: readonly BoundStatement[]): Promise<boolean> {
  if (db.isTransaction) throw new Error('runTogether runs its own unit: call it outside a transaction');
  const together = registrations.get(adapterOf(db))?.together;
  if (together) return together(statements);
  const inOrder = async (trx: Executor): Promise<boolean> => {
    for (const statement of statements) {
      const result = await trx.executeQuery(CompiledQuery.raw(statement.sql, [...statement.parameters]));
      if (statement.required && (result.numAffectedRows ?? 0n) === 0n) throw NOTHING_CHANGED;
    }
    return true;
  };
  try {
    return await db.transaction().execute(inOrder);
  } catch (error) {
    if (error === NOTHING_CHANGED) return false;
    throw error;
  }
}

/**
 * Runs `sql` as a prepared statement named `name` where the database has them (Postgres): parsing and
 * planning a long statement can cost more than running it. Only for statements whose result columns
 * no migration changes (no `select *`): a prepared statement whose result changes shape fails.
 */
export async function runPrepared<Row>(
  db: Executor,
  name: string,
  sql: string,
  parameters: readonly unknown[],
): Promise<Row[]> {
  const prepared = db.isTransaction ? undefined : registrations.get(adapterOf(db))?.prepared;
  if (prepared) return (await prepared(name, sql, parameters)) as Row[];
  return (await db.executeQuery<Row>(CompiledQuery.raw(sql, [...parameters]))).rows;
}

/** Thrown to roll back a unit whose required statement changed nothing. */
const NOTHING_CHANGED = new Error('a required statement changed no row');

/** The keys of an object naming every column of a table (checked at compile time): an insert's values. */
export function columnsOf<Table>(columns: Record<keyof Table & string, unknown>): (keyof Table & string)[] {
  return Object.keys(columns) as (keyof Table & string)[];
}

// `npm run version-packages`: the pending changesets become one new version of the four packages
// (`changeset version`), and the lockfile follows.
//
// Changesets 2, the last line that runs on Node 20, makes a package's release major whenever a minor or
// major release leaves one of its peer ranges; @tessera/testing's peer range on @tessera/server is the
// exact shared version, so every minor would turn the fixed group into 1.0.0 (changesets/changesets#1759;
// changesets 3 bumps such a dependent as a patch). Here the group gets the version its changesets ask for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../', import.meta.url);
const config = JSON.parse(readFileSync(new URL('.changeset/config.json', root), 'utf8'));
const group = new Set(config.fixed.flat());
const TYPES = ['patch', 'minor', 'major'];

const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

/** What the changesets would release, as `changeset status` works it out; undefined when it cannot. */
function releasePlan() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-release-plan-'));
  try {
    const output = join(dir, 'plan.json');
    execFileSync('npx', ['changeset', 'status', `--output=${output}`], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return JSON.parse(readFileSync(output, 'utf8'));
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function increment(version, type) {
  const parts = /^(\d+)\.(\d+)\.(\d+)$/.exec(version)?.slice(1).map(Number);
  if (!parts) throw new Error(`version-packages: ${version} is not a plain x.y.z version`);
  const [major, minor, patch] = parts;
  if (type === 'major') return `${major + 1}.0.0`;
  if (type === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

const plan = releasePlan();
if (!plan) {
  console.error('version-packages: `changeset status` could not work out the release (see above).');
  process.exit(1);
}
const released = plan.releases.find((release) => group.has(release.name));
if (!released) {
  console.log('version-packages: no changeset names a @tessera package; nothing to version.');
  process.exit(0);
}
const asked = plan.changesets
  .flatMap((changeset) => changeset.releases)
  .filter((release) => group.has(release.name))
  .map((release) => TYPES.indexOf(release.type))
  .reduce((highest, index) => Math.max(highest, index), 0);
const wanted = increment(released.oldVersion, TYPES[asked]);

run('npx', ['changeset', 'version']);

if (released.newVersion !== wanted) {
  console.log(
    `version-packages: changesets made ${released.newVersion} (a peer range was left); the changesets ask for ${TYPES[asked]}, so ${wanted}.`,
  );
  const workspaces = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).workspaces;
  for (const workspace of workspaces) {
    const path = new URL(`${workspace}/package.json`, root);
    const pkg = JSON.parse(readFileSync(path, 'utf8'));
    if (group.has(pkg.name) && pkg.version === released.newVersion) pkg.version = wanted;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const name of Object.keys(pkg[field] ?? {})) {
        if (group.has(name) && pkg[field][name] === released.newVersion) pkg[field][name] = wanted;
      }
    }
    writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`);
  }
}

run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);

/**
 * Reads a guide written for people (docs/GETTING-STARTED.md) as a script. Every fenced block carries a
 * marker on the line above it saying what to do with it; the marker is an HTML comment, so readers
 * never see it:
 *
 *   <!-- guide: run [expect=REGEX] -->  run the block in bash; it must succeed (and print REGEX)
 *   <!-- guide: file PATH -->            write the block to PATH in the project
 *   <!-- guide: start NAME URL -->       run the block in the background until stopped; wait for URL
 *   <!-- guide: stop NAME... -->         (no block) stop what was started, as Ctrl-C does
 *   <!-- guide: ci -->                   a GitHub Actions job: run its `run` steps in a fresh checkout
 *   <!-- guide: not-run REASON -->       shown to readers, not run here; REASON says why
 */
export type GuideStep =
  | {
      readonly kind: 'run';
      readonly code: string;
      readonly expect: RegExp | undefined;
      readonly line: number;
    }
  | { readonly kind: 'file'; readonly code: string; readonly path: string; readonly line: number }
  | {
      readonly kind: 'start';
      readonly code: string;
      readonly name: string;
      readonly url: string;
      readonly line: number;
    }
  | { readonly kind: 'stop'; readonly names: readonly string[]; readonly line: number }
  | { readonly kind: 'ci'; readonly code: string; readonly line: number }
  | { readonly kind: 'not-run'; readonly code: string; readonly reason: string; readonly line: number };

const MARKER = /^<!-- guide: (\S+)(?: (.*?))? -->$/;
const FENCE = /^```(\w*)$/;

/** The guide's steps in order; throws for a fenced block without a marker or a marker without its block. */
export function parseGuide(markdown: string): GuideStep[] {
  const lines = markdown.split('\n');
  const steps: GuideStep[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (FENCE.test(line))
      throw new Error(`line ${index + 1}: a code block without a <!-- guide: ... --> marker`);
    const marker = MARKER.exec(line);
    if (!marker) continue;
    const [, kind = '', argument = ''] = marker;
    const at = index + 1;
    if (kind === 'stop') {
      steps.push({ kind, names: argument.split(/\s+/), line: at });
      continue;
    }
    if (!FENCE.test(lines[index + 1] ?? ''))
      throw new Error(`line ${at}: "${kind}" must be followed by a code block`);
    const end = lines.findIndex((candidate, i) => i > index + 1 && candidate === '```');
    if (end < 0) throw new Error(`line ${at}: the code block does not end`);
    const code = `${lines.slice(index + 2, end).join('\n')}\n`;
    index = end;
    if (kind === 'run') {
      const expect = /^expect=(.+)$/.exec(argument)?.[1];
      steps.push({
        kind,
        code,
        expect: expect === undefined ? undefined : new RegExp(expect, 'm'),
        line: at,
      });
    } else if (kind === 'file') {
      steps.push({ kind, code, path: argument, line: at });
    } else if (kind === 'start') {
      const [name = '', url = ''] = argument.split(/\s+/);
      steps.push({ kind, code, name, url, line: at });
    } else if (kind === 'ci') {
      steps.push({ kind, code, line: at });
    } else if (kind === 'not-run') {
      steps.push({ kind, code, reason: argument, line: at });
    } else {
      throw new Error(`line ${at}: unknown guide marker "${kind}"`);
    }
  }
  return steps;
}

/**
 * A command as written for a package from the registry, run against the packed tarballs instead:
 * `npm install` / `npm i` lines get each `@tessera/<name>` replaced by the tarball's path.
 */
export function withTarballs(code: string, tarballs: Readonly<Record<string, string>>): string {
  return code
    .split('\n')
    .map((line) =>
      /^npm (?:install|i)\b/.test(line)
        ? line.replace(/@tessera\/[a-z-]+/g, (name) => {
            const tarball = tarballs[name];
            if (!tarball) throw new Error(`no tarball for ${name}`);
            return tarball;
          })
        : line,
    )
    .join('\n');
}

import { DEFAULT_ROLE_KEYS, type OrganizationMembershipJSON } from '@tessera/wire';
import type { Command } from 'commander';
import { type ApiClient, type ApiOptions, createApiClient } from '../api-client';
import type { CliIo } from '../io';
import { limit } from '../options';
import { formatTime, printable, printJson, printTable } from '../output';
import { orgPath, resolveOrganizationId } from '../resolve-organization';
import { resolveUserId } from '../resolve-user';

/** The organization and the user of a membership command, each resolved from an id, slug, email or username. */
async function resolveBoth(client: ApiClient, org: string, user: string) {
  const [orgId, userId] = await Promise.all([
    resolveOrganizationId(client, org),
    resolveUserId(client, user),
  ]);
  return { orgId, userId, path: `${orgPath(orgId)}/memberships/${encodeURIComponent(userId)}` };
}

/** "alice@example.com (user_...)": how a line names a member. */
function memberLabel(membership: OrganizationMembershipJSON): string {
  const { identifier, user_id } = membership.public_user_data;
  return identifier ? `${printable(identifier)} (${user_id})` : user_id;
}

function orgName(membership: OrganizationMembershipJSON): string {
  return `${printable(membership.organization.name)} (${membership.organization.id})`;
}

function fullName(membership: OrganizationMembershipJSON): string {
  const { first_name, last_name } = membership.public_user_data;
  return [first_name, last_name].filter((part) => part).join(' ') || '-';
}

const ARGUMENTS_HELP =
  '<org> is an organization id (org_...) or slug; <user> a user id, email address or username.';

export function registerMembershipCommands(orgs: Command, io: CliIo): void {
  orgs
    .command('add-member')
    .description('add a user to an organization with a role')
    .argument('<org>', 'organization id or slug')
    .argument('<user>', 'user id, email address or username')
    .option('--role <role>', 'the role key', DEFAULT_ROLE_KEYS.member)
    .option('--json', 'print the membership as JSON')
    .addHelpText(
      'after',
      `\n${ARGUMENTS_HELP}\n\nExamples:\n  $ tessera orgs add-member acme bob@example.com\n  $ tessera orgs add-member acme bob --role org:admin`,
    )
    .action(async (org: string, user: string, options: ApiOptions & { role: string }, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const client = createApiClient(io, apiUrl);
      const { orgId, userId } = await resolveBoth(client, org, user);
      const membership = await client.request<OrganizationMembershipJSON>(
        'POST',
        `${orgPath(orgId)}/memberships`,
        {
          body: { user_id: userId, role: options.role },
          flags: { user_id: { flag: '<user>', value: user }, role: { flag: '--role', value: options.role } },
        },
      );
      if (options.json) return printJson(io, membership);
      io.stdout(
        `Added ${memberLabel(membership)} to ${orgName(membership)} as ${printable(membership.role)}\n`,
      );
    });

  orgs
    .command('members')
    .description('list the members of an organization, oldest first')
    .argument('<org>', 'organization id or slug')
    .option('--limit <n>', 'how many (1-500)', '20')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ tessera orgs members acme')
    .action(async (org: string, options: ApiOptions & { limit: string }, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const count = limit(options.limit);
      const client = createApiClient(io, apiUrl);
      const orgId = await resolveOrganizationId(client, org);
      const page = await client.request<{ data: OrganizationMembershipJSON[]; total_count: number }>(
        'GET',
        `${orgPath(orgId)}/memberships`,
        { query: { limit: String(count), paginated: 'true' } },
      );
      if (options.json) return printJson(io, page.data);
      printTable(
        io,
        ['USER', 'IDENTIFIER', 'NAME', 'ROLE', 'SINCE'],
        page.data.map((membership) => [
          membership.public_user_data.user_id,
          membership.public_user_data.identifier || '-',
          fullName(membership),
          membership.role,
          formatTime(membership.created_at),
        ]),
        `No members. Add one with \`tessera orgs add-member ${printable(org)} alice@example.com\`.`,
      );
      if (page.total_count > page.data.length)
        io.stdout(`${page.data.length} of ${page.total_count} shown; raise --limit to see more.\n`);
    });

  orgs
    .command('set-role')
    .description('give a member another role; their next session JWT carries it')
    .argument('<org>', 'organization id or slug')
    .argument('<user>', 'user id, email address or username')
    .argument('<role>', 'the new role key, e.g. org:admin')
    .option('--json', 'print the membership as JSON')
    .addHelpText('after', `\n${ARGUMENTS_HELP}\n\nExample:\n  $ tessera orgs set-role acme bob org:admin`)
    .action(async (org: string, user: string, role: string, options: ApiOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const client = createApiClient(io, apiUrl);
      const { path } = await resolveBoth(client, org, user);
      const membership = await client.request<OrganizationMembershipJSON>('PATCH', path, {
        body: { role },
        flags: { role: { flag: '<role>', value: role } },
      });
      if (options.json) return printJson(io, membership);
      io.stdout(
        `${memberLabel(membership)} is now ${printable(membership.role)} in ${orgName(membership)}\n`,
      );
    });

  orgs
    .command('remove-member')
    .description('remove a member from an organization')
    .argument('<org>', 'organization id or slug')
    .argument('<user>', 'user id, email address or username')
    .option('--json', 'print the removed membership as JSON')
    .addHelpText(
      'after',
      `\n${ARGUMENTS_HELP}\n\nExample:\n  $ tessera orgs remove-member acme bob@example.com`,
    )
    .action(async (org: string, user: string, options: ApiOptions, command: Command) => {
      const { apiUrl } = command.optsWithGlobals<ApiOptions>();
      const client = createApiClient(io, apiUrl);
      const { path } = await resolveBoth(client, org, user);
      const membership = await client.request<OrganizationMembershipJSON>('DELETE', path);
      if (options.json) return printJson(io, membership);
      io.stdout(`Removed ${memberLabel(membership)} from ${orgName(membership)}\n`);
    });
}

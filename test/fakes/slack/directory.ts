type Json = Record<string, unknown>;

/** A directory entry as users.info returns it; unknown ids answer as full members of the fake's team. */
export interface FakeUser {
  id: string;
  team_id?: string;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_bot?: boolean;
  is_stranger?: boolean;
  deleted?: boolean;
  profile?: { bot_id?: string };
  /** Enterprise Grid: the org the person belongs to. */
  enterprise_user?: { enterprise_id?: string };
}

/** users.info and usergroups.users.list as Slack answers them, from the fake's directory. */
export function directoryReply(
  method: string,
  args: Json,
  directory: { teamId: string; users: Map<string, FakeUser>; groups: Map<string, string[]> },
): Json {
  const { users, groups } = directory;
  if (method === 'users.info') {
    const id = String(args.user ?? '');
    if (!/^[UW][A-Z0-9]+$/.test(id)) return { ok: false, error: 'user_not_found' };
    const known = users.get(id);
    return {
      ok: true,
      user: {
        id,
        team_id: directory.teamId,
        name: id.toLowerCase(),
        deleted: false,
        is_bot: false,
        is_restricted: false,
        is_ultra_restricted: false,
        ...known,
        profile: { display_name: id.toLowerCase(), ...known?.profile },
      },
    };
  }
  const members = groups.get(String(args.usergroup ?? ''));
  if (!members) return { ok: false, error: 'no_such_subteam' };
  return { ok: true, users: members };
}

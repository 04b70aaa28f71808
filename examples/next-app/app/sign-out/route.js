import { signOut } from '@tessera/backend/next';

export const POST = signOut({ redirectTo: '/' });

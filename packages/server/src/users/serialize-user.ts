import type { EmailAddressJSON, UserJSON } from '@tessera/wire';
import { fromJsonColumn } from '../store/json-column';
import type { EmailAddressTable } from '../store/schema';
import type { UserRecord } from '../store/users-store';

function serializeEmailAddress(row: EmailAddressTable): EmailAddressJSON {
  return {
    object: 'email_address',
    id: row.id,
    email_address: row.email_address,
    // Addresses are set by the instance's own backend, which vouches for them.
    verification: {
      object: 'verification',
      status: 'verified',
      strategy: 'admin',
      attempts: null,
      expire_at: null,
    },
    linked_to: [],
  };
}

export function serializeUser(user: UserRecord): UserJSON {
  return {
    object: 'user',
    id: user.id,
    external_id: user.external_id,
    username: user.username,
    first_name: user.first_name,
    last_name: user.last_name,
    image_url: null,
    has_image: false,
    primary_email_address_id: user.primary_email_address_id,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    password_enabled: user.password_digest !== null,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    email_addresses: user.emails.map(serializeEmailAddress),
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    enterprise_accounts: [],
    public_metadata: fromJsonColumn(user.public_metadata),
    private_metadata: fromJsonColumn(user.private_metadata),
    unsafe_metadata: fromJsonColumn(user.unsafe_metadata),
    last_sign_in_at: user.last_sign_in_at,
    last_active_at: user.last_active_at,
    banned: user.banned === 1,
    locked: user.locked === 1,
    create_organization_enabled: false,
    delete_self_enabled: false,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}

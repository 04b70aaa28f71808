// Used instead of platform-crypto.ts in the build behind the "node" export condition.
export { nodeCrypto as platformCrypto } from './crypto-node';

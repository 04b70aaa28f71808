// The portable default. The Node build (tsup.config.ts) swaps this module for platform-crypto.node.ts.
export { webCrypto as platformCrypto } from './crypto-web';

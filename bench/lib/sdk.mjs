/**
 * The SDK as an app on Node gets it: `@tessera/backend` through its "node" export condition (the
 * built `dist/node`). Fails with a hint when the package has not been built.
 */
export async function loadTesseraSdk() {
  try {
    return await import('@tessera/backend');
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(`@tessera/backend cannot be imported (${error.message}); run \`npm run build\` first`);
    }
    throw error;
  }
}

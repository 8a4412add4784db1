// The wasm chunks of the page being opened (tools/split-app.mjs), fetched and
// compiled while the main wasm downloads (the browser compiles a streamed
// module off the main thread). The split loader takes these modules, each
// once, instead of fetching and compiling the same chunks itself once the app
// runs (a failed one is fetched anew by the loader).
window.__earlyChunks = {};
{
  const chunks = __PAGE_CHUNKS__;
  const path = location.pathname;
  for (const [page, files] of Object.entries(chunks)) {
    // A page and the paths below it; "/" (the home page) only itself, as no path starts with "//".
    if (path !== page && !path.startsWith(page + "/")) continue;
    for (const href of files) {
      const module = WebAssembly.compileStreaming(fetch(href));
      // Not awaited by anyone if the app never asks: no unhandled rejection.
      module.catch(() => {});
      window.__earlyChunks[href] = module;
    }
  }
}

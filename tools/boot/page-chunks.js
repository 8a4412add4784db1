// The wasm chunks of the page being opened (tools/split-app.mjs), fetched
// while the main wasm downloads; the split loader's fetch of the same URL is
// then answered from this preload.
{
  const chunks = __PAGE_CHUNKS__;
  const path = location.pathname;
  for (const [page, files] of Object.entries(chunks)) {
    if (path !== page && !path.startsWith(page + "/")) continue;
    for (const href of files) {
      const link = document.createElement("link");
      link.rel = "preload";
      link.as = "fetch";
      link.type = "application/wasm";
      link.crossOrigin = "anonymous";
      link.href = href;
      document.head.append(link);
    }
  }
}

// A few hundred bytes, deferred (run as soon as the page is parsed, before the
// wasm): a submit made before the sign-in wasm is ready never reaches the
// browser's default action (a POST to /login that no server answers). The submit
// is remembered; src/signin/mod.rs carries it out once ready, then takes over.
(function () {
  // The sign-in mode this deployment used last time (src/signin/hosted.rs
  // keeps it): a hosted-sign-in page shows its button, not the password form,
  // from the first paint.
  try {
    if (localStorage.getItem("toolboxai-auth-mode") === "oidc") {
      document.documentElement.setAttribute("data-auth", "oidc");
    }
  } catch (e) {}
  var early = { pending: false };
  function hold(event) {
    if (event.target && event.target.id === "signin-form") {
      event.preventDefault();
      early.pending = true;
    }
  }
  document.addEventListener("submit", hold, true);
  early.stop = function () {
    document.removeEventListener("submit", hold, true);
  };
  window.__signinEarly = early;
})();

// A few hundred bytes, deferred (run as soon as the page is parsed, before the
// wasm): a submit made before the sign-in wasm is ready never reaches the
// browser's default action (a POST to /login that no server answers). The submit
// is remembered; src/signin.rs carries it out once ready, then takes over.
(function () {
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

// Loaded (blocking, a few hundred bytes) before the sign-in form exists, so that
// a submit made before the sign-in wasm is ready never reaches the browser's
// default action (which would put the password in the URL). The submit is
// remembered; src/signin.rs carries it out once ready, then takes over.
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

//! The sign-in form as a state machine: what a submit does (send, point at a
//! field, or nothing), what a failed answer says, and the countdown of a
//! throttled form. The page only shows it and carries out the request, so the
//! same rules serve any page that signs a user in.

use crate::api::ApiError;
use serde_json::{json, Value};

/// A field of the form, to point the user at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// "Email or username".
    Login,
    /// "Password".
    Password,
}

/// What a submit leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Submit {
    /// Send this body to the sign-in endpoint, then report with
    /// [`SignInForm::failed`] or [`SignInForm::succeeded`].
    Send(Value),
    /// A field is empty: its problem is set; move the focus there.
    Fix(Field),
    /// Nothing: a sign-in is already on its way, or the form is locked.
    Ignored,
}

/// The form's state between keystrokes and answers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignInForm {
    pending: bool,
    error: Option<String>,
    login_problem: Option<&'static str>,
    password_problem: Option<&'static str>,
    locked_until_ms: Option<f64>,
    unavailable: bool,
}

impl SignInForm {
    /// The user submitted `login` and `password` at `now_ms`.
    pub fn submit(&mut self, login: &str, password: &str, now_ms: f64) -> Submit {
        if self.is_blocked(now_ms) {
            return Submit::Ignored;
        }
        let login = login.trim();
        self.login_problem = login.is_empty().then_some("Enter your email or username.");
        self.password_problem = password.is_empty().then_some("Enter your password.");
        if login.is_empty() {
            return Submit::Fix(Field::Login);
        }
        if password.is_empty() {
            return Submit::Fix(Field::Password);
        }
        self.error = None;
        self.pending = true;
        Submit::Send(login_body(login, password))
    }

    /// The sign-in failed with `error`; returns the field to focus.
    pub fn failed(&mut self, error: &ApiError, now_ms: f64) -> Field {
        self.pending = false;
        if let ApiError::Http {
            status: 429,
            retry_after_secs: Some(seconds),
            ..
        } = error
        {
            self.locked_until_ms = Some(now_ms + *seconds as f64 * 1000.0);
        }
        self.error = Some(failure_message(error));
        Field::Password
    }

    /// Signing in cannot work here (the page has no usable configuration):
    /// `message` says why, and the form stays off.
    pub fn unavailable(&mut self, message: &str) {
        self.unavailable = true;
        self.error = Some(message.to_string());
    }

    /// The sign-in succeeded (the page is about to leave).
    pub fn succeeded(&mut self) {
        self.pending = false;
        self.error = None;
    }

    /// The countdown's clock moved to `now_ms`; true while it still runs. When
    /// the lock passes, its message goes with it.
    pub fn tick(&mut self, now_ms: f64) -> bool {
        match self.locked_until_ms {
            Some(until) if now_ms >= until => {
                self.locked_until_ms = None;
                self.error = None;
                false
            }
            Some(_) => true,
            None => false,
        }
    }

    /// Whole seconds until the form unlocks, while it is locked.
    pub fn seconds_left(&self, now_ms: f64) -> Option<u64> {
        let left = ((self.locked_until_ms? - now_ms) / 1000.0).ceil();
        (left > 0.0).then_some(left as u64)
    }

    /// The form-level message: the countdown while locked, else the last failure.
    pub fn alert(&self, now_ms: f64) -> Option<String> {
        match self.seconds_left(now_ms) {
            Some(s) => Some(format!("Too many sign-in attempts. Try again in {s} s.")),
            None => self.error.clone(),
        }
    }

    /// A sign-in is on its way.
    pub fn is_pending(&self) -> bool {
        self.pending
    }

    /// The submit button is off: pending, locked or unavailable.
    pub fn is_blocked(&self, now_ms: f64) -> bool {
        self.pending || self.unavailable || self.seconds_left(now_ms).is_some()
    }

    /// What is wrong with the login field, if anything.
    pub fn login_problem(&self) -> Option<&'static str> {
        self.login_problem
    }

    /// What is wrong with the password field, if anything.
    pub fn password_problem(&self) -> Option<&'static str> {
        self.password_problem
    }
}

/// The sign-in request's body: an address goes as `email`, anything else as
/// `username` (both backends accept either field).
pub fn login_body(login: &str, password: &str) -> Value {
    if login.contains('@') {
        json!({ "email": login, "password": password })
    } else {
        json!({ "username": login, "password": password })
    }
}

/// The sentence for a failed sign-in.
pub fn failure_message(error: &ApiError) -> String {
    match error {
        ApiError::Http { status: 401, .. } => {
            let text = error.user_message();
            if text.trim().is_empty() {
                "Incorrect username or password.".into()
            } else {
                text
            }
        }
        ApiError::Http { status: 429, .. } => {
            "Too many sign-in attempts. Wait a moment and try again.".into()
        }
        _ => error.user_message(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, message: &str, retry_after_secs: Option<u64>) -> ApiError {
        ApiError::Http {
            status,
            message: message.into(),
            retry_after_secs,
        }
    }

    #[test]
    fn empty_fields_are_named_and_the_first_is_focused() {
        let mut form = SignInForm::default();
        assert_eq!(form.submit("  ", "", 0.0), Submit::Fix(Field::Login));
        assert_eq!(form.login_problem(), Some("Enter your email or username."));
        assert_eq!(form.password_problem(), Some("Enter your password."));
        assert_eq!(form.submit("ada", "", 0.0), Submit::Fix(Field::Password));
        assert_eq!(form.login_problem(), None);
        assert!(!form.is_pending());
    }

    #[test]
    fn a_submit_sends_once_until_the_answer() {
        let mut form = SignInForm::default();
        assert_eq!(
            form.submit(" ada@example.com ", "pw", 0.0),
            Submit::Send(json!({"email": "ada@example.com", "password": "pw"}))
        );
        assert!(form.is_pending() && form.is_blocked(0.0));
        assert_eq!(form.submit("ada", "pw", 1.0), Submit::Ignored);
        form.succeeded();
        assert!(!form.is_pending());
        assert_eq!(
            form.submit("ada", "pw", 2.0),
            Submit::Send(json!({"username": "ada", "password": "pw"}))
        );
    }

    #[test]
    fn a_wrong_password_is_said_plainly_and_the_password_is_focused() {
        let mut form = SignInForm::default();
        form.submit("ada", "nope", 0.0);
        let focus = form.failed(&http(401, "", None), 10.0);
        assert_eq!(focus, Field::Password);
        assert_eq!(
            form.alert(10.0).as_deref(),
            Some("Incorrect username or password.")
        );
        form.submit("ada", "nope", 20.0);
        form.failed(&http(401, "Incorrect username or password", None), 30.0);
        assert_eq!(
            form.alert(30.0).as_deref(),
            Some("Incorrect username or password")
        );
        // A new attempt clears the last failure.
        form.submit("ada", "yes", 40.0);
        assert_eq!(form.alert(40.0), None);
    }

    #[test]
    fn a_throttled_form_counts_down_and_unlocks_by_itself() {
        let mut form = SignInForm::default();
        form.submit("ada", "nope", 0.0);
        form.failed(&http(429, "slow down", Some(3)), 1_000.0);
        assert_eq!(form.seconds_left(1_000.0), Some(3));
        assert_eq!(
            form.alert(1_500.0).as_deref(),
            Some("Too many sign-in attempts. Try again in 3 s.")
        );
        assert_eq!(form.submit("ada", "again", 2_000.0), Submit::Ignored);
        assert!(form.is_blocked(2_000.0));
        assert!(form.tick(3_999.0));
        assert_eq!(form.seconds_left(3_999.0), Some(1));
        assert!(!form.tick(4_000.0));
        assert_eq!(form.alert(4_000.0), None);
        assert!(!form.is_blocked(4_000.0));
        assert!(matches!(
            form.submit("ada", "again", 4_000.0),
            Submit::Send(_)
        ));
    }

    #[test]
    fn a_throttle_without_retry_after_is_said_without_a_countdown() {
        let mut form = SignInForm::default();
        form.submit("ada", "nope", 0.0);
        form.failed(&http(429, "", None), 0.0);
        assert_eq!(form.seconds_left(0.0), None);
        assert_eq!(
            form.alert(0.0).as_deref(),
            Some("Too many sign-in attempts. Wait a moment and try again.")
        );
        assert!(!form.is_blocked(0.0));
    }

    #[test]
    fn an_unavailable_form_says_why_and_sends_nothing() {
        let mut form = SignInForm::default();
        form.unavailable("The dashboard configuration is missing.");
        assert!(form.is_blocked(0.0));
        assert_eq!(form.submit("ada", "pw", 0.0), Submit::Ignored);
        assert_eq!(
            form.alert(0.0).as_deref(),
            Some("The dashboard configuration is missing.")
        );
    }

    #[test]
    fn other_failures_use_the_error_sentence() {
        let mut form = SignInForm::default();
        form.submit("ada", "pw", 0.0);
        form.failed(&ApiError::Network, 0.0);
        assert_eq!(form.alert(0.0), Some(ApiError::Network.user_message()));
        form.submit("ada", "pw", 0.0);
        form.failed(&http(500, "The server had a problem.", None), 0.0);
        assert_eq!(
            form.alert(0.0).as_deref(),
            Some("The server had a problem.")
        );
    }
}

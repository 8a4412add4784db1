//! Reactive hooks, one `use_*` per file in the style of leptos-use: each
//! cleans up after itself when its component unmounts.

mod use_after_paint;
mod use_channel_event;
mod use_clock;
mod use_poller;
mod use_safe_navigate;
mod use_subscription;
mod use_theme_colors;

pub(crate) use use_after_paint::use_after_paint;
pub(crate) use use_channel_event::use_channel_event;
pub(crate) use use_clock::use_clock;
pub(crate) use use_poller::{use_poller, PollControl};
pub(crate) use use_safe_navigate::{return_target, use_safe_navigate};
pub(crate) use use_subscription::use_subscription;
pub(crate) use use_theme_colors::use_theme_colors;

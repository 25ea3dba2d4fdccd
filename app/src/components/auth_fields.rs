use leptos::prelude::*;

use super::FieldError;
use crate::error::AppError;
use crate::i18n::{t, use_i18n};

/// The email input with its inline error, as the login and sign-up forms show it.
#[component]
pub fn EmailField(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] value: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{t!(i18n, field_email)}</span>
            <input type="email" name="email" required autocomplete="email" value=value/>
        </label>
        <FieldError error field="email"/>
    }
}

/// The submit button, disabled and relabelled while the form is being sent.
#[component]
pub fn SubmitButton(
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] pending_label: Signal<String>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button button-primary"
            disabled=move || pending.get()
            aria-busy=move || pending.get().to_string()
        >
            {move || if pending.get() { pending_label.get() } else { label.get() }}
        </button>
    }
}

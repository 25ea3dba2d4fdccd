use leptos::prelude::*;

use super::FieldError;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};

/// The email input with its inline error, as the login and sign-up forms show it (`label`:
/// another caption than "Email").
#[component]
pub fn EmailField(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] value: String,
    #[prop(optional, into)] label: Option<Signal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let caption = move || match label {
        Some(label) => label.get(),
        None => t_string!(i18n, field_email).to_string(),
    };
    view! {
        <label class="field">
            <span>{caption}</span>
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

/// A password input with its label, optional hint and inline error (`field` names both the
/// input and the error it shows). It never renders a value: passwords are not echoed back.
#[component]
pub fn PasswordField(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] label: Signal<String>,
    name: &'static str,
    /// `current-password` or `new-password`, so password managers fill the right one.
    autocomplete: &'static str,
    /// The error's field, when it differs from `name`.
    #[prop(optional)]
    field: Option<&'static str>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{move || label.get()}</span>
            <input type="password" name=name required autocomplete=autocomplete/>
            {hint.map(|hint| view! { <small class="field-hint">{move || hint.get()}</small> })}
        </label>
        <FieldError error field=field.unwrap_or(name)/>
    }
}

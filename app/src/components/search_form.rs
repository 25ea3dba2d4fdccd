use std::sync::Arc;

use chrono::{Days, Local, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::Form;

use crate::api::hotels::suggest_locations;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::Party;

/// Suggestions start from this many typed characters.
const SUGGEST_FROM_CHARS: usize = 2;

fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

/// The server's calendar day, which its date rules use, never the browser's clock (which may be a
/// day ahead or behind). The page's shell, rendered on the server only, carries it in
/// `<meta name="server-day">` for the browser, so both render the same form.
pub fn server_day() -> NaiveDate {
    #[cfg(feature = "ssr")]
    let day = use_context::<crate::server::state::AppState>().map(|state| state.clock.today());
    #[cfg(not(feature = "ssr"))]
    let day = document()
        .query_selector(r#"meta[name="server-day"]"#)
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .and_then(|content| parse_date(&content));
    // Only if neither can say: the browser's day is the best left.
    day.unwrap_or_else(|| Local::now().date_naive())
}

/// What the search field `name` holds: `rendered`, or, while the app hydrates the server's page,
/// whatever the guest typed into the field before it woke up. Hydrating sets each bound field
/// to its signal, so starting the signal from the field keeps the guest's text.
fn typed_before_hydration(name: &str, rendered: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let hydrating =
            Owner::current_shared_context().is_some_and(|context| context.during_hydration());
        let typed = hydrating
            .then(|| {
                document()
                    .query_selector(&format!(r#"form.search-form [name="{name}"]"#))
                    .ok()
                    .flatten()
            })
            .flatten()
            .and_then(|field| field.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|field| field.value());
        if let Some(typed) = typed {
            return typed;
        }
    }
    let _ = name;
    rendered.to_string()
}

/// For `<Form on_form_data>` of a GET form: Leptos's `<Form>` puts the unnamed submit button
/// into the query (`...&=`); browsers without JavaScript leave it out, and so does this.
pub fn drop_unnamed_fields() -> Arc<dyn Fn(&web_sys::FormData)> {
    Arc::new(|data: &web_sys::FormData| data.delete(""))
}

fn day_after(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(1)).unwrap_or(date)
}

/// Location, check-in and check-out, starting from the given values (or tomorrow, one night).
/// A GET form to `/search`: without JavaScript the browser submits it; once hydrated the router
/// navigates in place, and the form shows the number of nights, keeps check-out after
/// check-in, and suggests places from the catalog. "Today" (the earliest check-in, the default
/// dates) is [`server_day`].
#[component]
pub fn SearchForm(
    #[prop(optional, into)] location: String,
    #[prop(optional_no_strip)] check_in: Option<String>,
    #[prop(optional_no_strip)] check_out: Option<String>,
    /// The guests of the search (two adults unless the URL says otherwise).
    #[prop(optional)]
    party: Party,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = server_day();
    let tomorrow = day_after(today);
    // The server renders these as the fields' `value` attributes (`bind:value` alone renders
    // nothing), so the form is filled without JavaScript and before hydration.
    let location_shown = location;
    let check_in_shown = check_in.unwrap_or_else(|| tomorrow.to_string());
    let check_out_shown = check_out.unwrap_or_else(|| day_after(tomorrow).to_string());
    let location = RwSignal::new(typed_before_hydration("location", &location_shown));
    let check_in = RwSignal::new(typed_before_hydration("date_from", &check_in_shown));
    let check_out = RwSignal::new(typed_before_hydration("date_to", &check_out_shown));

    // Moving check-in onto or past check-out drags check-out along, as booking sites do; only
    // when the guest moves it, so dates from the URL stay as they came (and get their error).
    Effect::watch(
        move || check_in.get(),
        move |from, _, _| {
            if let Some(from) = parse_date(from) {
                let to = check_out.with_untracked(|to| parse_date(to));
                if to.is_none_or(|to| to <= from) {
                    check_out.set(day_after(from).to_string());
                }
            }
        },
        false,
    );

    let nights = move || {
        let from = parse_date(&check_in.get())?;
        let to = parse_date(&check_out.get())?;
        Some((to - from).num_days())
    };
    let nights_text = move || match nights() {
        Some(count) if count > 0 => t!(i18n, search_nights, count = move || count).into_any(),
        _ => view! { <span class="field-error">{t!(i18n, search_dates_invalid)}</span> }.into_any(),
    };

    let suggestions = LocalResource::new(move || {
        let typed = location.get();
        async move {
            if typed.trim().chars().count() < SUGGEST_FROM_CHARS {
                return Ok(Vec::new());
            }
            suggest_locations(typed).await
        }
    });
    let suggestion_options = move || {
        suggestions
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|place| view! { <option value=place></option> })
            .collect_view()
    };
    let check_out_min = move || parse_date(&check_in.get()).map(|d| day_after(d).to_string());

    view! {
        <Form
            method="GET"
            action="/search"
            on_form_data=drop_unnamed_fields()
            attr:class="search-form"
            attr:role="search"
            attr:aria-label=move || t_string!(i18n, search_form)
        >
            <label class="field field-location">
                <span>{t!(i18n, search_location)}</span>
                <input
                    type="search"
                    name="location"
                    list="location-suggestions"
                    autocomplete="off"
                    maxlength="100"
                    placeholder=move || t_string!(i18n, search_location_placeholder)
                    value=location_shown
                    bind:value=location
                />
                <datalist
                    id="location-suggestions"
                    aria-label=move || t_string!(i18n, search_suggestions)
                >
                    {suggestion_options}
                </datalist>
            </label>
            <label class="field">
                <span>{t!(i18n, search_check_in)}</span>
                <input
                    type="date"
                    name="date_from"
                    required
                    min=today.to_string()
                    value=check_in_shown
                    bind:value=check_in
                />
            </label>
            <label class="field">
                <span>{t!(i18n, search_check_out)}</span>
                <input
                    type="date"
                    name="date_to"
                    required
                    min=check_out_min
                    value=check_out_shown
                    bind:value=check_out
                />
            </label>
            <GuestFields party/>
            <button type="submit" class="button button-primary">
                {t!(i18n, search_submit)}
            </button>
            <p class="search-nights" data-testid="nights" aria-live="polite">
                {nights_text}
            </p>
        </Form>
    }
}

/// Adults and children, as two choices: plain form fields (`adults`, `children`) that work
/// without JavaScript and start from `party`.
#[component]
pub fn GuestFields(party: Party) -> impl IntoView {
    let i18n = use_i18n();
    let options = |range: std::ops::RangeInclusive<u8>, chosen: u8| {
        range
            .map(|n| view! { <option value=n selected=n == chosen>{n}</option> })
            .collect_view()
    };
    view! {
        <label class="field field-guests">
            <span>{t!(i18n, search_adults)}</span>
            <select name="adults" data-testid="adults">
                {options(1..=Party::MAX_ADULTS, party.adults)}
            </select>
        </label>
        <label class="field field-guests">
            <span>{t!(i18n, search_children)}</span>
            <select name="children" data-testid="children">
                {options(0..=Party::MAX_CHILDREN, party.children)}
            </select>
        </label>
    }
}

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::i18n::{t, t_string, use_i18n};
use crate::model::navigation::{login_url, path_and_query, with_query};
use crate::session::use_session;

/// The signed-in user's email and a logout button, or links to log in and sign up.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    let here = move || path_and_query(&location.pathname.get(), &location.search.get());
    let signed_out = move || {
        let register = with_query("/register", &[("return_to", &here())]);
        view! {
            <A href=move || login_url(&here())>{t!(i18n, nav_login)}</A>
            <A href=register attr:class="button">{t!(i18n, nav_register)}</A>
        }
    };
    view! {
        <div class="account-menu" aria-label=move || t_string!(i18n, account_menu)>
            <Transition fallback=|| ()>
                {move || {
                    session
                        .user
                        .get()
                        .map(|user| match user {
                            Ok(Some(user)) => {
                                let back_office = user.has_back_office();
                                view! {
                                    {back_office
                                        .then(|| view! { <A href="/admin">{t!(i18n, nav_back_office)}</A> })}
                                    <A href="/bookings" attr:data-testid="nav-bookings">{t!(i18n, nav_bookings)}</A>
                                    <A href="/account" attr:class="account-email" attr:data-testid="account-email">
                                        {user.email}
                                    </A>
                                    <ActionForm action=session.logout attr:class="logout-form">
                                        <button type="submit" class="link-button">
                                            {t!(i18n, nav_logout)}
                                        </button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            _ => signed_out().into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

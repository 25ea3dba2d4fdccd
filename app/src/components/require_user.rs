use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

use super::{error_text, set_status};
use crate::api::auth::get_current_user;
use crate::error::AppError;
use crate::i18n::{t, use_i18n};
use crate::model::{
    User,
    navigation::{login_url, path_and_query},
};

/// Renders `children` for a signed-in user (an admin when `admin`); sends anyone else to the
/// login page, which brings them back here afterwards. Routes using it render with
/// `SsrMode::Async`, so the redirect is a real HTTP redirect.
#[component]
pub fn RequireUser<F, V>(#[prop(optional)] admin: bool, children: F) -> impl IntoView
where
    F: Fn(User) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    // Asked afresh for this page, not read from the header's copy: right after a login the
    // browser arrives here before that copy has been refreshed.
    let user = Resource::new(|| (), |_| get_current_user());
    let location = use_location();
    let here = move || {
        path_and_query(
            &location.pathname.get_untracked(),
            &location.search.get_untracked(),
        )
    };
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {
                let children = children.clone();
                move || {
                    let children = children.clone();
                    user.get()
                        .map(move |result| match result {
                            Ok(Some(user)) if admin && !user.is_admin() => {
                                refuse(AppError::Forbidden).into_any()
                            }
                            Ok(Some(user)) => children(user).into_any(),
                            Ok(None) => view! { <Redirect path=login_url(&here())/> }.into_any(),
                            Err(error) => refuse(error).into_any(),
                        })
                }
            }
        </Suspense>
    }
}

fn refuse(error: AppError) -> impl IntoView {
    set_status(&error);
    view! { <p class="form-error" role="alert">{error_text(&error)}</p> }
}

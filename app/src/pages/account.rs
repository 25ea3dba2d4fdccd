use leptos::prelude::*;

use crate::components::PageTitle;

use crate::components::RequireUser;
use crate::i18n::{t, t_string, use_i18n};
use crate::model::{Role, User};

/// The signed-in user's profile.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=move || t_string!(i18n, account_title).to_string()/>
        <RequireUser children=move |user: User| {
            let role = match user.role {
                Role::Admin => t!(i18n, role_admin).into_any(),
                Role::User => t!(i18n, role_user).into_any(),
            };
            view! {
                <section class="account">
                    <h1>{t!(i18n, account_title)}</h1>
                    <dl class="details">
                        <dt>{t!(i18n, account_email)}</dt>
                        <dd data-testid="profile-email">{user.email}</dd>
                        <dt>{t!(i18n, account_role)}</dt>
                        <dd>{role}</dd>
                    </dl>
                </section>
            }
        }/>
    }
}

//! The users page's server functions, for admins: the accounts list and an action on one
//! account (role, disable, enable). Each asks `server::accounts::admin`, which checks on the
//! server that the reader is an admin.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::accounts::{AccountFilterForm, AccountList};

/// One page of the accounts, filtered.
#[server(endpoint = "admin_accounts")]
pub async fn admin_accounts(
    #[server(default)] filter: AccountFilterForm,
) -> Result<AccountList, AppError> {
    use super::back_office::edge;
    use crate::error::InputError;
    use crate::server::{accounts::admin, with_status};

    async {
        let (state, staff) = edge::staff().await?;
        staff.require_admin()?;
        let filter = filter
            .parse()
            .map_err(|error| AppError::Invalid(InputError::Accounts(error)))?;
        admin::list(&state, &staff, &filter).await
    }
    .await
    .map_err(with_status)
}

/// Changes an account's role, or disables or enables it; a plain post goes back to the list
/// as it was filtered.
#[server(endpoint = "account_action")]
pub async fn change_account(
    user_id: String,
    action: String,
    #[server(default)] filter: AccountFilterForm,
) -> Result<(), AppError> {
    use super::back_office::edge;
    use crate::model::{UserId, accounts::AccountAction, navigation::with_query};
    use crate::server::{accounts::admin, forms::finish_form};

    let page = with_query("/admin/users", &filter.fields());
    let separator = if page.contains('?') { "&" } else { "?" };
    let result = async {
        let (state, staff) = edge::staff().await?;
        let user_id = UserId::parse(&user_id).ok_or(AppError::NotFound)?;
        let action = AccountAction::parse(action.trim()).ok_or_else(admin::unknown_action)?;
        admin::act(&state, &staff, user_id, action).await
    }
    .await;
    finish_form(
        result,
        &format!("{page}{separator}form=accounts"),
        &format!("{page}{separator}saved=1"),
    )
    .map(|_| ())
}

//! The users page's work, for admins: list accounts, and change one's role or disable it
//! (its sessions end at once: every request reads the account with its session) or enable it.
use serde_json::json;

use super::repo::UserRepo;
use crate::error::{AppError, InputError};
use crate::model::UserId;
use crate::model::accounts::{
    ACCOUNTS_PAGE, Account, AccountAction, AccountFilter, AccountList, AccountsError,
};
use crate::server::audit::{self, Change, Object};
use crate::server::staff::Staff;
use crate::server::state::AppState;

/// One page of the accounts matching `filter`.
pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: &AccountFilter,
) -> Result<AccountList, AppError> {
    staff.require_admin()?;
    let (accounts, total) = UserRepo::new(&state.db)
        .search(filter, ACCOUNTS_PAGE)
        .await?;
    let pages = u32::try_from((total + ACCOUNTS_PAGE - 1) / ACCOUNTS_PAGE)
        .unwrap_or(u32::MAX)
        .max(1);
    Ok(AccountList {
        accounts,
        total,
        page: filter.page,
        pages,
        reader: staff.user.id,
    })
}

/// Does `action` to account `user_id` if [`AccountAction::allowed`] says so, in one
/// transaction with the account's row locked and its audit entry. Returns the account after.
pub async fn act(
    state: &AppState,
    staff: &Staff,
    user_id: UserId,
    action: AccountAction,
) -> Result<Account, AppError> {
    staff.require_admin()?;
    let mut tx = state.db.begin().await?;
    let before = UserRepo::lock_account(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    action
        .allowed(&before, staff.user.id)
        .map_err(|error| AppError::Invalid(InputError::Accounts(error)))?;
    let after = action.apply(&before);
    UserRepo::store_account(&mut tx, &after).await?;
    let state_of = |account: &Account| json!({ "email": account.email, "role": account.role, "disabled": account.disabled });
    let change = Change::new(audit_action(action), Object::User(user_id), None)
        .before(&state_of(&before))
        .after(&state_of(&after));
    audit::record(&mut tx, &staff.user, change).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, action = action.as_str(), "account changed");
    Ok(after)
}

fn audit_action(action: AccountAction) -> &'static str {
    match action {
        AccountAction::MakeAdmin | AccountAction::MakeGuest => "user.role",
        AccountAction::Disable => "user.disable",
        AccountAction::Enable => "user.enable",
    }
}

/// The error of an action that is not one.
pub fn unknown_action() -> AppError {
    AppError::Invalid(InputError::Accounts(AccountsError::Action))
}

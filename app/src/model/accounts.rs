//! Accounts as an admin manages them on the users page: the list's filter, a row of it, and
//! what an admin may do to an account (the rule is here, the server applies it).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Role, UserId};

/// Accounts on one page of the list.
pub const ACCOUNTS_PAGE: i64 = 50;
/// The longest search text (an email's longest).
pub const MAX_QUERY_CHARS: usize = 254;
const MAX_PAGE: u32 = 10_000;

/// An account as the users page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub full_name: Option<String>,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// Hotels it runs as staff.
    pub hotels: i64,
    /// Its bookings, in any state.
    pub bookings: i64,
}

impl Account {
    /// What the admin `actor` may do to this account now.
    pub fn actions(&self, actor: UserId) -> Vec<AccountAction> {
        AccountAction::ALL
            .into_iter()
            .filter(|action| action.allowed(self, actor).is_ok())
            .collect()
    }
}

/// One page of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub accounts: Vec<Account>,
    /// Accounts matching the filter, on every page.
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// The reader, who may not change their own account here.
    pub reader: UserId,
}

/// The list's filter as the search form (or the URL) sends it, every field as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountFilterForm {
    /// Part of an email or a name.
    pub q: String,
    /// `admin` or `user`; empty: both.
    pub role: String,
    /// `active` or `disabled`; empty: both.
    pub status: String,
    pub page: String,
}

impl AccountFilterForm {
    /// The fields by name, as the page's URL carries them.
    pub fn fields(&self) -> [(&'static str, &str); 4] {
        [
            ("q", &self.q),
            ("role", &self.role),
            ("status", &self.status),
            ("page", &self.page),
        ]
    }

    /// The filter a URL carries: `get(name)` gives a field's value, if present.
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> Self {
        let field = |name: &str| get(name).unwrap_or_default();
        AccountFilterForm {
            q: field("q"),
            role: field("role"),
            status: field("status"),
            page: field("page"),
        }
    }

    /// The filter, if every field that is set reads.
    pub fn parse(&self) -> Result<AccountFilter, AccountsError> {
        let q = self.q.trim();
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(AccountsError::Query);
        }
        let role = match self.role.trim() {
            "" => None,
            raw => Some(Role::parse(raw).ok_or(AccountsError::Role)?),
        };
        let disabled = match self.status.trim() {
            "" => None,
            "active" => Some(false),
            "disabled" => Some(true),
            _ => return Err(AccountsError::Status),
        };
        let page = match self.page.trim() {
            "" => 1,
            raw => raw
                .parse::<u32>()
                .ok()
                .filter(|page| (1..=MAX_PAGE).contains(page))
                .ok_or(AccountsError::Page)?,
        };
        Ok(AccountFilter {
            q: (!q.is_empty()).then(|| q.to_lowercase()),
            role,
            disabled,
            page,
        })
    }
}

/// Which accounts to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFilter {
    /// Lower case; matches anywhere in the email or the name.
    pub q: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub page: u32,
}

/// What an admin may do to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountAction {
    MakeAdmin,
    MakeGuest,
    Disable,
    Enable,
}

impl AccountAction {
    pub const ALL: [AccountAction; 4] = [
        AccountAction::MakeAdmin,
        AccountAction::MakeGuest,
        AccountAction::Disable,
        AccountAction::Enable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountAction::MakeAdmin => "make_admin",
            AccountAction::MakeGuest => "make_guest",
            AccountAction::Disable => "disable",
            AccountAction::Enable => "enable",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == raw)
    }

    /// The rule: nobody changes their own account here (so an admin can neither lock
    /// themselves out nor leave the app without an admin: the one acting stays one), and an
    /// action must change something.
    pub fn allowed(self, account: &Account, actor: UserId) -> Result<(), AccountsError> {
        if account.id == actor {
            return Err(AccountsError::OwnAccount);
        }
        let changes = match self {
            AccountAction::MakeAdmin => account.role != Role::Admin,
            AccountAction::MakeGuest => account.role != Role::User,
            AccountAction::Disable => !account.disabled,
            AccountAction::Enable => account.disabled,
        };
        if changes {
            Ok(())
        } else {
            Err(AccountsError::NotNow)
        }
    }

    /// The account after the action.
    pub fn apply(self, account: &Account) -> Account {
        let mut after = account.clone();
        match self {
            AccountAction::MakeAdmin => after.role = Role::Admin,
            AccountAction::MakeGuest => after.role = Role::User,
            AccountAction::Disable => after.disabled = true,
            AccountAction::Enable => after.disabled = false,
        }
        after
    }
}

/// What is wrong with the users list's filter or an action on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AccountsError {
    #[error("q: at most 254 characters")]
    Query,
    #[error("role: admin or user")]
    Role,
    #[error("status: active or disabled")]
    Status,
    #[error("page: a number from 1 to 10000")]
    Page,
    #[error("action: make_admin, make_guest, disable or enable")]
    Action,
    #[error("your own account is changed by another admin")]
    OwnAccount,
    /// The account already is what the action would make it (another admin got there first).
    #[error("the account already is so")]
    NotNow,
}

impl AccountsError {
    pub const ALL: [AccountsError; 7] = [
        AccountsError::Query,
        AccountsError::Role,
        AccountsError::Status,
        AccountsError::Page,
        AccountsError::Action,
        AccountsError::OwnAccount,
        AccountsError::NotNow,
    ];

    /// A stable code (carried in URLs after a no-JavaScript post).
    pub fn code(self) -> &'static str {
        match self {
            AccountsError::Query => "query",
            AccountsError::Role => "role",
            AccountsError::Status => "status",
            AccountsError::Page => "page",
            AccountsError::Action => "action",
            AccountsError::OwnAccount => "own_account",
            AccountsError::NotNow => "not_now",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|error| error.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: i32, role: Role, disabled: bool) -> Account {
        Account {
            id: UserId::from(id),
            email: format!("u{id}@example.com"),
            full_name: None,
            role,
            disabled,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            hotels: 0,
            bookings: 0,
        }
    }

    #[test]
    fn an_admin_never_changes_their_own_account() {
        let me = account(1, Role::Admin, false);
        for action in AccountAction::ALL {
            assert_eq!(
                action.allowed(&me, UserId::from(1)),
                Err(AccountsError::OwnAccount)
            );
        }
        assert!(me.actions(UserId::from(1)).is_empty());
    }

    #[test]
    fn only_actions_that_change_something_are_offered() {
        let actor = UserId::from(1);
        assert_eq!(
            account(2, Role::User, false).actions(actor),
            [AccountAction::MakeAdmin, AccountAction::Disable]
        );
        assert_eq!(
            account(3, Role::Admin, true).actions(actor),
            [AccountAction::MakeGuest, AccountAction::Enable]
        );
        assert_eq!(
            AccountAction::Enable.allowed(&account(2, Role::User, false), actor),
            Err(AccountsError::NotNow)
        );
        let after = AccountAction::Disable.apply(&account(2, Role::User, false));
        assert!(after.disabled);
        assert_eq!(
            AccountAction::parse("make_admin"),
            Some(AccountAction::MakeAdmin)
        );
        assert_eq!(AccountAction::parse("delete"), None);
    }

    #[test]
    fn the_filter_reads_or_says_which_field_is_wrong() {
        let form = |q: &str, role: &str, status: &str, page: &str| AccountFilterForm {
            q: q.into(),
            role: role.into(),
            status: status.into(),
            page: page.into(),
        };
        assert_eq!(
            form(" Anna@X ", "admin", "disabled", "2").parse(),
            Ok(AccountFilter {
                q: Some("anna@x".into()),
                role: Some(Role::Admin),
                disabled: Some(true),
                page: 2,
            })
        );
        assert_eq!(
            form("", "", "", "").parse(),
            Ok(AccountFilter {
                q: None,
                role: None,
                disabled: None,
                page: 1
            })
        );
        assert_eq!(form("", "root", "", "").parse(), Err(AccountsError::Role));
        assert_eq!(form("", "", "gone", "").parse(), Err(AccountsError::Status));
        assert_eq!(form("", "", "", "0").parse(), Err(AccountsError::Page));
        assert_eq!(
            form(&"a".repeat(255), "", "", "").parse(),
            Err(AccountsError::Query)
        );
        for error in AccountsError::ALL {
            assert_eq!(AccountsError::from_code(error.code()), Some(error));
        }
    }
}

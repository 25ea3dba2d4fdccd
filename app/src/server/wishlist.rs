//! Saved and recently viewed hotels (`model::wishlist`): kept by the account when signed in,
//! by the browser's cookies when not, and moved from the cookies to the account on sign-in.
//! Every edge (pages, server functions) reads and changes them here.
mod repo;

use http::HeaderMap;

use self::repo::ListRepo;
use super::accounts::cookie::cookie_value;
use super::catalog;
use super::state::AppState;
use crate::error::AppError;
use crate::model::wishlist::{GuestList, GuestLists, HotelIds};
use crate::model::{HotelId, UserId};

/// How long a browser keeps its lists: a year after the last change.
const COOKIE_MAX_AGE_SECS: u64 = 365 * 24 * 60 * 60;

/// Who keeps a request's lists: the signed-in guest's account, or the browser (its cookies are
/// in the request's headers).
#[derive(Clone, Copy)]
pub enum Keeper<'a> {
    Account(UserId),
    Browser(&'a HeaderMap),
}

impl<'a> Keeper<'a> {
    pub fn of(user: Option<UserId>, headers: &'a HeaderMap) -> Self {
        match user {
            Some(user) => Keeper::Account(user),
            None => Keeper::Browser(headers),
        }
    }
}

/// The hotels on `list`, newest first.
pub async fn ids(
    state: &AppState,
    keeper: Keeper<'_>,
    list: GuestList,
) -> Result<HotelIds, AppError> {
    match keeper {
        Keeper::Account(user) => {
            let ids = ListRepo::new(&state.db).ids(user, list).await?;
            Ok(HotelIds::of(ids, list))
        }
        Keeper::Browser(headers) => Ok(browser_ids(headers, list)),
    }
}

/// Puts `hotel` at the top of `list` (`on`) or takes it off. For a browser, the `Set-Cookie`
/// value that keeps the list changed.
pub async fn set(
    state: &AppState,
    keeper: Keeper<'_>,
    list: GuestList,
    hotel: HotelId,
    on: bool,
) -> Result<Option<String>, AppError> {
    match keeper {
        Keeper::Account(user) => {
            let repo = ListRepo::new(&state.db);
            match on {
                true => repo.put(user, list, &[hotel]).await?,
                false => repo.remove(user, list, hotel).await?,
            }
            Ok(None)
        }
        Keeper::Browser(headers) => {
            let mut ids = browser_ids(headers, list);
            match on {
                true => ids.put(hotel, list),
                false => ids.remove(hotel),
            }
            Ok(Some(list_cookie(state, list, &ids)))
        }
    }
}

/// Both lists with their hotels as lists show them.
pub async fn lists(state: &AppState, keeper: Keeper<'_>) -> Result<GuestLists, AppError> {
    let (saved, viewed) = tokio::try_join!(
        ids(state, keeper, GuestList::Saved),
        ids(state, keeper, GuestList::Viewed),
    )?;
    let (saved, viewed) = tokio::try_join!(
        catalog::listed_hotels(state, saved.ids()),
        catalog::listed_hotels(state, viewed.ids()),
    )?;
    Ok(GuestLists {
        saved,
        viewed,
        signed_in: matches!(keeper, Keeper::Account(_)),
    })
}

/// At sign-in: moves what the browser kept to `user`'s account (above what the account had)
/// and returns the `Set-Cookie` values that empty the browser's lists.
pub async fn adopt(
    state: &AppState,
    user: UserId,
    headers: &HeaderMap,
) -> Result<Vec<String>, AppError> {
    let mut cleared = Vec::new();
    for list in GuestList::ALL {
        let ids = browser_ids(headers, list);
        if ids.ids().is_empty() {
            continue;
        }
        ListRepo::new(&state.db).put(user, list, ids.ids()).await?;
        cleared.push(list_cookie(state, list, &HotelIds::default()));
    }
    Ok(cleared)
}

fn browser_ids(headers: &HeaderMap, list: GuestList) -> HotelIds {
    cookie_value(headers, list.cookie())
        .map(|raw| HotelIds::parse(raw, list))
        .unwrap_or_default()
}

/// The `Set-Cookie` value keeping `ids` as `list` (an empty list removes the cookie). Not
/// readable by scripts: only the server reads it.
fn list_cookie(state: &AppState, list: GuestList, ids: &HotelIds) -> String {
    let value = ids.to_cookie_value();
    let max_age = if value.is_empty() {
        0
    } else {
        COOKIE_MAX_AGE_SECS
    };
    let secure = if state.auth.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={value}; HttpOnly; Path=/; SameSite=Lax; Max-Age={max_age}{secure}",
        list.cookie()
    )
}

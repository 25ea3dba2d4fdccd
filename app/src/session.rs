//! The signed-in user as the pages see it, refreshed whenever an account action completes.
use leptos::prelude::*;

use crate::api::auth::{Login, Logout, Register, get_current_user};
use crate::error::AppError;
use crate::model::User;

#[derive(Clone, Copy)]
pub struct SessionContext {
    pub login: ServerAction<Login>,
    pub register: ServerAction<Register>,
    pub logout: ServerAction<Logout>,
    pub user: Resource<Result<Option<User>, AppError>>,
}

pub fn provide_session() {
    let login = ServerAction::<Login>::new();
    let register = ServerAction::<Register>::new();
    let logout = ServerAction::<Logout>::new();
    let user = Resource::new(
        move || {
            (
                login.version().get(),
                register.version().get(),
                logout.version().get(),
            )
        },
        |_| get_current_user(),
    );
    provide_context(SessionContext {
        login,
        register,
        logout,
        user,
    });
}

pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

/// Reads the signed-in user again (the header's copy) once `succeeded` turns true: after an
/// account change made by a page's own action. (Those actions live with their pages, not here:
/// this context is built on every page, and a guest's first load carries only what it needs.)
pub fn refresh_user_when(succeeded: impl Fn() -> bool + Send + Sync + 'static) {
    let user = use_session().user;
    Effect::new(move |_| {
        if succeeded() {
            user.refetch();
        }
    });
}

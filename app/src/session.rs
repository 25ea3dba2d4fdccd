//! The signed-in user as the pages see it, refreshed whenever an account action completes.
use leptos::prelude::*;

use crate::api::auth::{
    ChangeEmail, ChangePassword, DeleteAccount, Login, Logout, Register, ResetPassword,
    get_current_user,
};
use crate::error::AppError;
use crate::model::User;

#[derive(Clone, Copy)]
pub struct SessionContext {
    pub login: ServerAction<Login>,
    pub register: ServerAction<Register>,
    pub logout: ServerAction<Logout>,
    pub reset_password: ServerAction<ResetPassword>,
    pub change_email: ServerAction<ChangeEmail>,
    pub change_password: ServerAction<ChangePassword>,
    pub delete_account: ServerAction<DeleteAccount>,
    pub user: Resource<Result<Option<User>, AppError>>,
}

pub fn provide_session() {
    let login = ServerAction::<Login>::new();
    let register = ServerAction::<Register>::new();
    let logout = ServerAction::<Logout>::new();
    let reset_password = ServerAction::<ResetPassword>::new();
    let change_email = ServerAction::<ChangeEmail>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let delete_account = ServerAction::<DeleteAccount>::new();
    let user = Resource::new(
        move || {
            [
                login.version().get(),
                register.version().get(),
                logout.version().get(),
                reset_password.version().get(),
                change_email.version().get(),
                change_password.version().get(),
                delete_account.version().get(),
            ]
        },
        |_| get_current_user(),
    );
    provide_context(SessionContext {
        login,
        register,
        logout,
        reset_password,
        change_email,
        change_password,
        delete_account,
        user,
    });
}

pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

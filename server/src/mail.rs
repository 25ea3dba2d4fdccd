//! Booking emails: what they say (plain text and HTML) and how they leave (SMTP, or `.eml`
//! files in a local outbox when no SMTP server is configured).
use std::path::PathBuf;

use app::server::config::{Config, SmtpTls};
use app::server::notifications::Notification;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The message cannot be built (a bad address): retrying will not help.
    #[error("invalid message: {0}")]
    Invalid(String),
    /// The server or the disk refused or failed: worth retrying.
    #[error("delivery failed: {0}")]
    Delivery(String),
}

impl MailError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::Invalid(_))
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// No SMTP configured: each message becomes a file, so a newcomer can read it.
    Outbox { dir: PathBuf, from: Mailbox },
}

const DEFAULT_FROM: &str = "Бронирование отелей <noreply@booking.local>";

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, MailError> {
        let Some(smtp) = &config.smtp else {
            let from = DEFAULT_FROM.parse().map_err(invalid)?;
            tracing::info!(dir = %config.mail_outbox_dir.display(), "SMTP_HOST is not set: emails are written to this directory as .eml files");
            return Ok(Mailer::Outbox {
                dir: config.mail_outbox_dir.clone(),
                from,
            });
        };
        let from = smtp.from.parse().map_err(invalid)?;
        let builder = match smtp.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                .map_err(|error| MailError::Invalid(error.to_string()))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                .map_err(|error| MailError::Invalid(error.to_string()))?,
        };
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(std::time::Duration::from_secs(10)));
        if let (Some(user), Some(pass)) = (&smtp.user, &smtp.pass) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.expose().to_owned()));
        }
        Ok(Mailer::Smtp {
            transport: builder.build(),
            from,
        })
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from,
        }
    }

    /// Sends the email for `notification`.
    pub async fn send(&self, notification: &Notification, app_url: &str) -> Result<(), MailError> {
        let message = compose(notification, self.from().clone(), app_url)?;
        match self {
            Mailer::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| MailError::Delivery(error.to_string())),
            Mailer::Outbox { dir, .. } => write_eml(dir, notification, &message).await,
        }
    }
}

fn invalid(error: impl std::fmt::Display) -> MailError {
    MailError::Invalid(error.to_string())
}

/// Writes the message as `<id>-<kind>.eml`, atomically (temporary file, then rename).
async fn write_eml(
    dir: &PathBuf,
    notification: &Notification,
    message: &Message,
) -> Result<(), MailError> {
    let delivery = |error: std::io::Error| MailError::Delivery(error.to_string());
    tokio::fs::create_dir_all(dir).await.map_err(delivery)?;
    let name = format!("{}-{}.eml", notification.id, notification.kind);
    let temporary = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&temporary, message.formatted())
        .await
        .map_err(delivery)?;
    tokio::fs::rename(&temporary, dir.join(&name))
        .await
        .map_err(delivery)?;
    tracing::info!(file = %dir.join(name).display(), "email written to the outbox");
    Ok(())
}

/// Subject and lead sentence for each kind of notification.
fn headline(notification: &Notification) -> (String, String) {
    let from = notification.date_from.format("%d.%m.%Y");
    let to = notification.date_to.format("%d.%m.%Y");
    match notification.kind.as_str() {
        "cancellation" => (
            "Бронирование отменено".to_owned(),
            format!("Вы отменили бронирование с {from} по {to}."),
        ),
        "reminder_1_day" => (
            "Завтра заселение".to_owned(),
            format!("Остался 1 день до заселения: вы забронировали отель с {from} по {to}."),
        ),
        "reminder_3_days" => (
            "Осталось 3 дня до заселения".to_owned(),
            format!("Осталось 3 дня до заселения: вы забронировали отель с {from} по {to}."),
        ),
        _ => (
            "Подтверждение бронирования".to_owned(),
            format!("Вы забронировали отель с {from} по {to}."),
        ),
    }
}

/// The email: a plain-text and an HTML part with the hotel, room, dates, nights and total,
/// and a link to "my bookings".
pub fn compose(
    notification: &Notification,
    from: Mailbox,
    app_url: &str,
) -> Result<Message, MailError> {
    let to: Mailbox = notification.email.parse().map_err(invalid)?;
    let (subject, lead) = headline(notification);
    let link = format!("{}/bookings", app_url.trim_end_matches('/'));
    let total = notification.total_cost.format();
    let nights = notification.total_days;
    // Who stays and what they asked, when given (text lines, then HTML rows).
    let guest: Vec<(&str, &str)> = [
        ("Гость", notification.guest_name.as_deref()),
        ("Пожелания", notification.guest_request.as_deref()),
    ]
    .into_iter()
    .filter_map(|(label, value)| Some((label, value?)))
    .collect();
    let guest_lines: String = guest
        .iter()
        .map(|(label, value)| format!("{label}: {value}\n"))
        .collect();
    let guest_rows: String = guest
        .iter()
        .map(|(label, value)| format!("<tr><td>{label}</td><td>{}</td></tr>", escape(value)))
        .collect();
    let text = format!(
        "{lead}\n\nНомер бронирования: {reference}\n{guest_lines}Отель: {hotel}\nАдрес: {location}\nНомер: {room}\nНочей: {nights}\nИтого: {total}\n\nМои бронирования: {link}\n",
        reference = notification.reference,
        hotel = notification.hotel_name,
        location = notification.hotel_location,
        room = notification.room_name,
    );
    let html = format!(
        "<!doctype html><html lang=\"ru\"><body style=\"font-family:sans-serif\">\
         <h1 style=\"font-size:20px\">{subject}</h1><p>{lead}</p><table>\
         <tr><td>Номер бронирования</td><td><strong>{reference}</strong></td></tr>{guest_rows}\
         <tr><td>Отель</td><td><strong>{hotel}</strong></td></tr>\
         <tr><td>Адрес</td><td>{location}</td></tr>\
         <tr><td>Номер</td><td>{room}</td></tr>\
         <tr><td>Ночей</td><td>{nights}</td></tr>\
         <tr><td>Итого</td><td><strong>{total}</strong></td></tr></table>\
         <p><a href=\"{link}\">Мои бронирования</a></p></body></html>",
        subject = escape(&subject),
        lead = escape(&lead),
        reference = notification.reference,
        hotel = escape(&notification.hotel_name),
        location = escape(&notification.hotel_location),
        room = escape(&notification.room_name),
        total = escape(&total),
        link = escape(&link),
    );
    let message_id = message_id(notification, &from);
    Message::builder()
        .from(from)
        .to(to)
        .message_id(Some(message_id))
        .subject(subject)
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(invalid)
}

/// The same for every attempt at one notification, so should a copy ever be sent twice (see
/// `jobs`), mail clients fold it into one message.
fn message_id(notification: &Notification, from: &Mailbox) -> String {
    format!(
        "<notification-{}-{}@{}>",
        notification.id,
        notification.kind,
        from.email.domain()
    )
}

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn notification(kind: &str) -> Notification {
        Notification {
            id: 7,
            kind: kind.to_owned(),
            attempts: 1,
            retry_until: chrono::Utc::now(),
            booking_id: 3.into(),
            reference: app::model::BookingReference::parse("B3SZQJ32").unwrap(),
            guest_name: Some("Анна <Петрова>".to_owned()),
            guest_request: None,
            email: "guest@example.com".to_owned(),
            hotel_name: "Palace <&>".to_owned(),
            hotel_location: "Сыктывкар".to_owned(),
            room_name: "Стандарт".to_owned(),
            date_from: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            date_to: chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            total_days: 2,
            total_cost: app::model::Money::from_roubles(10_000),
            cancelled: false,
        }
    }

    #[test]
    fn a_confirmation_has_a_text_and_an_html_part() {
        let from: Mailbox = DEFAULT_FROM.parse().unwrap();
        let message = compose(&notification("confirmation"), from, "http://x/").unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain"));
        assert!(raw.contains("text/html"));
        assert_eq!(escape("Palace <&>\""), "Palace &lt;&amp;&gt;&quot;");
        assert!(
            raw.contains("Message-ID: <notification-7-confirmation@booking.local>"),
            "{raw}"
        );
    }

    #[test]
    fn reminders_say_how_long_is_left() {
        assert_eq!(
            headline(&notification("reminder_3_days")).0,
            "Осталось 3 дня до заселения"
        );
        assert_eq!(
            headline(&notification("reminder_1_day")).0,
            "Завтра заселение"
        );
    }

    #[test]
    fn a_bad_recipient_is_permanent() {
        let mut bad = notification("confirmation");
        bad.email = "not an address".to_owned();
        let error = compose(&bad, DEFAULT_FROM.parse().unwrap(), "http://x").unwrap_err();
        assert!(error.is_permanent());
    }
}

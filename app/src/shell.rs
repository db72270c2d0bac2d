//! The whole HTML document: head with the stylesheet, the navigation, the flash, the page.

use leptos::prelude::*;

use crate::model::{Chrome, FlashKind, Nav, Page};
use crate::pages;

/// The document. The server provides [`Chrome`] and [`Page`] as context before rendering it.
#[component]
pub fn Shell() -> impl IntoView {
    let chrome = use_context::<Chrome>().unwrap_or_default();
    let page = use_context::<Page>().unwrap_or(Page::NotFound);
    let title = page.title();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <title>{title}</title>
                <link rel="stylesheet" href=chrome.stylesheet.clone() />
            </head>
            <body>
                <Header chrome=chrome.clone() />
                <main id="main">
                    <FlashMessage chrome=chrome.clone() />
                    {pages::render(page, chrome)}
                </main>
            </body>
        </html>
    }
}

#[component]
fn Header(chrome: Chrome) -> impl IntoView {
    let link = move |nav: Nav, href: &'static str, label: &'static str| {
        let current = (chrome.active == nav).then_some("page");
        view! { <a href=href aria-current=current>{label}</a> }
    };
    let settings = chrome
        .is_admin()
        .then(|| link(Nav::Settings, "/settings", "Settings"));
    view! {
        <header class="top">
            <a class="brand" href="/">"oss-audit"</a>
            <nav aria-label="Main">
                {link(Nav::Overview, "/", "Overview")}
                {link(Nav::Buckets, "/buckets", "Buckets")}
                {link(Nav::Scans, "/scans", "Scans")}
                {link(Nav::Reports, "/reports", "Reports")}
                {link(Nav::AuditLog, "/audit-log", "Audit log")}
                {settings}
            </nav>
            <form class="signout" method="post" action="/logout">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <span class="who">{format!("{} · {}", chrome.user, chrome.role)}</span>
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </header>
    }
}

#[component]
fn FlashMessage(chrome: Chrome) -> impl IntoView {
    chrome.flash.map(|flash| {
        let (class, icon) = match flash.kind {
            FlashKind::Success => ("flash ok", "✓"),
            FlashKind::Error => ("flash err", "✗"),
        };
        view! {
            <p class=class role="status">
                <span aria-hidden="true">{icon}</span>
                " "
                {flash.text}
            </p>
        }
    })
}

//! The dashboard's chrome inside the page shell: the navigation, the flash message, the page.

use leptos::prelude::*;

use crate::document::{Document, Stylesheet, render_html};
use crate::model::{Chrome, FlashKind, Nav, Page};
use crate::pages;

/// The whole HTML document of a dashboard page.
pub fn render_page(chrome: Chrome, page: Page) -> String {
    render_html(move || view! { <Shell chrome page /> })
}

/// A dashboard page in the document: header with navigation, the flash message, the content.
#[component]
pub fn Shell(chrome: Chrome, page: Page) -> impl IntoView {
    let title = page.title();
    let stylesheet = Stylesheet::Linked(chrome.stylesheet.clone());
    view! {
        <Document title stylesheet>
            <Header chrome=chrome.clone() />
            <main id="main">
                <FlashMessage chrome=chrome.clone() />
                {pages::render(page, chrome)}
            </main>
        </Document>
    }
}

#[component]
fn Header(chrome: Chrome) -> impl IntoView {
    let link = move |nav: Nav, href: &'static str, label: &'static str| {
        let current = (chrome.active == nav).then_some("page");
        view! { <a href=href aria-current=current>{label}</a> }
    };
    let remediate = chrome
        .can_operate()
        .then(|| link(Nav::Remediate, "/remediate", "Remediate"));
    // Everyone reads the estate's accounts; admins reach them (and the rest) through Settings.
    let settings = if chrome.is_admin() {
        link(Nav::Settings, "/settings", "Settings")
    } else {
        link(Nav::Settings, "/settings/accounts", "Accounts")
    };
    view! {
        <header class="top">
            <a class="brand" href="/">"oss-audit"</a>
            <nav aria-label="Main">
                {link(Nav::Overview, "/", "Overview")}
                {link(Nav::Buckets, "/buckets", "Buckets")}
                {remediate}
                {link(Nav::Scans, "/scans", "Scans")}
                {link(Nav::Keys, "/keys", "Keys")}
                {link(Nav::Controls, "/controls", "Controls")}
                {link(Nav::Reports, "/reports", "Reports")}
                {link(Nav::AuditLog, "/audit-log", "Audit log")}
                {link(Nav::Exemptions, "/exemptions", "Exemptions")}
                {settings}
            </nav>
            <form class="signout" method="post" action="/logout">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <span class="who">{who(&chrome)}</span>
                <a href="/account/password">"Password"</a>
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </header>
    }
}

/// `alice · viewer`, or `alice · viewer, operator on payments-prod` with per-account roles.
fn who(chrome: &Chrome) -> String {
    let mut text = format!("{} · {}", chrome.user, chrome.role);
    for grant in &chrome.grants {
        text.push_str(", ");
        text.push_str(grant);
    }
    text
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

//! The attribute's arguments: `NAME, [MODE,] [WIDTH,] ACTIVITY...`.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Token, punctuated::Punctuated};

use crate::ctxt::Ctxt;

/// Which attribute is expanding.
#[derive(Clone, Copy)]
pub enum Entry {
    Reverse,
    Forward,
    ModeArgument,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Reverse,
    Forward,
}

impl Mode {
    pub fn std_macro(self) -> &'static str {
        match self {
            Self::Reverse => "autodiff_reverse",
            Self::Forward => "autodiff_forward",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Activity {
    Const,
    Active,
    ActiveOnly,
    Duplicated,
    DuplicatedOnly,
    Dual,
    DualOnly,
    Dualv,
    DualvOnly,
}

impl Activity {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Const" => Self::Const,
            "Active" => Self::Active,
            "ActiveOnly" => Self::ActiveOnly,
            "Duplicated" => Self::Duplicated,
            "DuplicatedOnly" => Self::DuplicatedOnly,
            "Dual" => Self::Dual,
            "DualOnly" => Self::DualOnly,
            "Dualv" => Self::Dualv,
            "DualvOnly" => Self::DualvOnly,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Const => "Const",
            Self::Active => "Active",
            Self::ActiveOnly => "ActiveOnly",
            Self::Duplicated => "Duplicated",
            Self::DuplicatedOnly => "DuplicatedOnly",
            Self::Dual => "Dual",
            Self::DualOnly => "DualOnly",
            Self::Dualv => "Dualv",
            Self::DualvOnly => "DualvOnly",
        }
    }

    pub fn mode(self) -> Option<Mode> {
        match self {
            Self::Const => None,
            Self::Active | Self::ActiveOnly | Self::Duplicated | Self::DuplicatedOnly => {
                Some(Mode::Reverse)
            }
            Self::Dual | Self::DualOnly | Self::Dualv | Self::DualvOnly => Some(Mode::Forward),
        }
    }

    /// The argument gets shadow parameters.
    pub fn has_shadow(self) -> bool {
        matches!(
            self,
            Self::Duplicated
                | Self::DuplicatedOnly
                | Self::Dual
                | Self::DualOnly
                | Self::Dualv
                | Self::DualvOnly
        )
    }

    /// `DuplicatedOnly`, `DualOnly` and `DualvOnly` inputs make std's
    /// derivative an `unsafe fn`.
    pub fn is_only(self) -> bool {
        matches!(
            self,
            Self::DuplicatedOnly | Self::DualOnly | Self::DualvOnly
        )
    }

    pub fn is_vector(self) -> bool {
        matches!(self, Self::Dualv | Self::DualvOnly)
    }
}

/// One activity as written, with its span for errors.
#[derive(Clone)]
pub struct ActivityArg {
    pub activity: Activity,
    /// Written `unsafe(Activity)`: the shadow is not checked.
    pub unchecked: bool,
    pub span: Span,
    pub tokens: TokenStream,
}

pub struct Args {
    pub name: syn::Ident,
    pub mode: Mode,
    pub width: usize,
    pub width_tokens: Option<syn::LitInt>,
    /// All activities, the return's last when the function returns a value.
    pub activities: Vec<ActivityArg>,
}

enum Item {
    Ident(syn::Ident),
    Int(syn::LitInt),
    Unsafe(Token![unsafe], syn::Ident),
    Other(TokenStream),
}

impl Parse for Item {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![unsafe]) {
            let unsafe_token: Token![unsafe] = input.parse()?;
            let content;
            syn::parenthesized!(content in input);
            let ident: syn::Ident = content.parse()?;
            if !content.is_empty() {
                return Err(content.error("expected one activity inside `unsafe(..)`"));
            }
            return Ok(Self::Unsafe(unsafe_token, ident));
        }
        if input.peek(syn::Ident) && (input.peek2(Token![,]) || input.peek2(syn::parse::End)) {
            return Ok(Self::Ident(input.parse()?));
        }
        if input.peek(syn::LitInt) {
            return Ok(Self::Int(input.parse()?));
        }
        let mut tokens = TokenStream::new();
        while !input.is_empty() && !input.peek(Token![,]) {
            let tt: proc_macro2::TokenTree = input.parse()?;
            tt.to_tokens(&mut tokens);
        }
        Ok(Self::Other(tokens))
    }
}

impl ToTokens for Item {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Self::Ident(ident) => ident.to_tokens(tokens),
            Self::Int(int) => int.to_tokens(tokens),
            Self::Unsafe(unsafe_token, ident) => {
                unsafe_token.to_tokens(tokens);
                ident.to_tokens(tokens);
            }
            Self::Other(other) => other.to_tokens(tokens),
        }
    }
}

/// The derivative's name, which comes first.
fn parse_name(cx: &Ctxt, item: Option<Item>, span: Span, usage: &str) -> Option<syn::Ident> {
    match item {
        Some(Item::Ident(name))
            if Activity::from_name(&name.to_string()).is_some()
                || name == "Reverse"
                || name == "Forward" =>
        {
            cx.error_spanned_by(
                &name,
                format!(
                    "expected the derivative's name first, found `{name}`; name the derivative \
                     before the mode and activities: {usage}"
                ),
            );
            None
        }
        Some(Item::Ident(name)) => Some(name),
        Some(other) => {
            cx.error_spanned_by(
                &other,
                format!("expected the derivative's name first: {usage}"),
            );
            None
        }
        None => {
            cx.syn_error(syn::Error::new(span, format!("missing arguments: {usage}")));
            None
        }
    }
}

/// The mode: the entry's own, or `Reverse` / `Forward` after the name.
fn parse_mode(
    cx: &Ctxt,
    entry: Entry,
    items: &mut impl Iterator<Item = Item>,
    span: Span,
    usage: &str,
) -> Option<Mode> {
    match entry {
        Entry::Reverse => Some(Mode::Reverse),
        Entry::Forward => Some(Mode::Forward),
        Entry::ModeArgument => match items.next() {
            Some(Item::Ident(mode)) if mode == "Reverse" => Some(Mode::Reverse),
            Some(Item::Ident(mode)) if mode == "Forward" => Some(Mode::Forward),
            Some(other) => {
                cx.error_spanned_by(
                    &other,
                    format!("expected `Reverse` or `Forward` after the name: {usage}"),
                );
                None
            }
            None => {
                cx.syn_error(syn::Error::new(span, format!("missing mode: {usage}")));
                None
            }
        },
    }
}

pub fn parse(cx: &Ctxt, entry: Entry, args: TokenStream) -> Option<Args> {
    let span = if args.is_empty() {
        Span::call_site()
    } else {
        args.span()
    };
    let items =
        match syn::parse::Parser::parse2(Punctuated::<Item, Token![,]>::parse_terminated, args) {
            Ok(items) => items.into_iter().collect::<Vec<_>>(),
            Err(error) => {
                cx.syn_error(error);
                return None;
            }
        };
    let mut items = items.into_iter().peekable();
    let usage = entry.usage();
    let name = parse_name(cx, items.next(), span, usage)?;
    let mode = parse_mode(cx, entry, &mut items, span, usage)?;
    let mut width = 1;
    let mut width_tokens = None;
    if let Some(Item::Int(_)) = items.peek()
        && let Some(Item::Int(lit)) = items.next()
    {
        match lit.base10_parse::<usize>() {
            Ok(value) if value >= 1 => width = value,
            _ => cx.error_spanned_by(&lit, "the batch width must be an integer of at least 1"),
        }
        width_tokens = Some(lit);
    }
    // An item that is not an activity would throw the count off: report it
    // alone rather than also "expected 2 activities, found 1".
    let mut activities = Vec::new();
    let mut refused = false;
    for item in items {
        match activity(cx, &item, usage) {
            Some(act) => activities.push(act),
            None => refused = true,
        }
    }
    if refused {
        return None;
    }
    Some(Args {
        name,
        mode,
        width,
        width_tokens,
        activities,
    })
}

/// The activity an item in activity position spells, or its error.
fn activity(cx: &Ctxt, item: &Item, usage: &str) -> Option<ActivityArg> {
    let (ident, unchecked, span) = match item {
        Item::Ident(ident) => (ident, false, ident.span()),
        Item::Unsafe(unsafe_token, ident) => (
            ident,
            true,
            unsafe_token.span.join(ident.span()).unwrap_or(ident.span()),
        ),
        Item::Int(lit) => {
            cx.error_spanned_by(
                lit,
                "the batch width goes right after the name (after the mode for `#[autodiff]`)",
            );
            return None;
        }
        Item::Other(tokens) => {
            cx.error_spanned_by(tokens, format!("expected an activity: {usage}"));
            return None;
        }
    };
    let Some(activity) = Activity::from_name(&ident.to_string()) else {
        cx.error_spanned_by(ident, unknown_activity(ident));
        return None;
    };
    Some(ActivityArg {
        activity,
        unchecked,
        span,
        tokens: item.to_token_stream(),
    })
}

fn unknown_activity(ident: &syn::Ident) -> String {
    format!(
        "unknown activity `{ident}`; expected one of `Const`, `Active`, `ActiveOnly`, \
         `Duplicated`, `DuplicatedOnly` (reverse mode) or `Const`, `Dual`, `DualOnly`, \
         `Dualv`, `DualvOnly` (forward mode)"
    )
}

impl Entry {
    /// The attribute's name, for messages.
    pub fn attribute(self) -> &'static str {
        match self {
            Self::Reverse => "autodiff_reverse",
            Self::Forward => "autodiff_forward",
            Self::ModeArgument => "autodiff",
        }
    }

    fn usage(self) -> &'static str {
        match self {
            Self::Reverse => "#[autodiff_reverse(NAME, [WIDTH,] ACTIVITY.., [RETURN_ACTIVITY])]",
            Self::Forward => "#[autodiff_forward(NAME, [WIDTH,] ACTIVITY.., [RETURN_ACTIVITY])]",
            Self::ModeArgument => {
                "#[autodiff(NAME, Reverse | Forward, [WIDTH,] ACTIVITY.., [RETURN_ACTIVITY])]"
            }
        }
    }
}

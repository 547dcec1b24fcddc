//! Query strings as the spec says to write them.
//!
//! progenitor writes every query parameter the same way: an array as one
//! pair per item (`types=ROLE&types=ACCESS_PROFILE`, OpenAPI's default
//! `form` style, exploded), and a space as `+` (HTML form encoding). The
//! generator's operation table names the parameters whose spec says
//! otherwise ([`QueryStyle`]), and [`Runtime::prepare`] rewrites the URL
//! before the request leaves:
//!
//! - `style: form, explode: false`: `types=ROLE,ACCESS_PROFILE`;
//! - `style: spaceDelimited`: `types=ROLE%20ACCESS_PROFILE`;
//! - `style: pipeDelimited`: `types=ROLE%7CACCESS_PROFILE`;
//! - every space as `%20` (RFC 3986), which SailPoint's own SDKs send and
//!   filters written by hand (`name eq "My Source"`) are full of.
//!
//! The encoder writes a `+` of a value as `%2B` and a delimiter inside an
//! item as its escape (`%2C`), so the rewrite is unambiguous.
//!
//! [`Runtime::prepare`]: crate::Runtime::prepare

/// How a query parameter's items are joined, when the spec does not use
/// OpenAPI's default (`form`, exploded: one pair per item).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` with `explode: false`: items joined by `,`.
    Comma,
    /// `spaceDelimited`: items joined by an encoded space.
    Space,
    /// `pipeDelimited`: items joined by an encoded `|`.
    Pipe,
}

impl QueryStyle {
    fn delimiter(self) -> &'static str {
        match self {
            QueryStyle::Comma => ",",
            QueryStyle::Space => "%20",
            QueryStyle::Pipe => "%7C",
        }
    }
}

/// Rewrites `url`'s query: the items of each parameter of `styles` joined
/// into one pair (where its first item was), and `+` as `%20` everywhere.
/// A URL without a query is left as it is.
pub fn rewrite_query(url: &mut reqwest::Url, styles: &[(&str, QueryStyle)]) {
    let Some(query) = url.query() else {
        return;
    };
    if !query.contains('+') && styles.is_empty() {
        return;
    }
    // Each pair as written (`key` alone, or `key=value`), except that the
    // items of a styled parameter gather in the pair of its first item.
    let mut pairs: Vec<(String, Option<Vec<String>>, Option<QueryStyle>)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let pair = pair.replace('+', "%20");
        let (key, value) = match pair.split_once('=') {
            Some((key, value)) => (key.to_string(), Some(value.to_string())),
            None => (pair, None),
        };
        let decoded = percent_encoding::percent_decode_str(&key).decode_utf8_lossy();
        let style = styles
            .iter()
            .find(|(name, _)| *name == decoded)
            .map(|(_, style)| *style);
        let earlier =
            style.and_then(|_| pairs.iter_mut().find(|(k, _, s)| s.is_some() && *k == key));
        match earlier {
            Some((_, values, _)) => values
                .get_or_insert_with(Vec::new)
                .push(value.unwrap_or_default()),
            None => pairs.push((key, value.map(|v| vec![v]), style)),
        }
    }
    let rewritten: Vec<String> = pairs
        .into_iter()
        .map(|(key, values, style)| match values {
            Some(values) => format!(
                "{key}={}",
                values.join(style.map_or("", QueryStyle::delimiter))
            ),
            None => key,
        })
        .collect();
    url.set_query(Some(&rewritten.join("&")));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(query: &str, styles: &[(&str, QueryStyle)]) -> String {
        let mut url = reqwest::Url::parse(&format!("https://t.example/v2025/x?{query}"))
            .expect("a valid URL");
        rewrite_query(&mut url, styles);
        url.query().unwrap_or_default().to_string()
    }

    #[test]
    fn unexploded_arrays_are_joined_where_their_first_item_was() {
        let styles = [
            ("types", QueryStyle::Comma),
            ("ids", QueryStyle::Space),
            ("tags", QueryStyle::Pipe),
        ];
        assert_eq!(
            rewritten(
                "limit=5&types=ROLE&types=ACCESS_PROFILE&ids=a&ids=b&tags=x&tags=y&offset=0",
                &styles
            ),
            "limit=5&types=ROLE,ACCESS_PROFILE&ids=a%20b&tags=x%7Cy&offset=0"
        );
        assert_eq!(
            rewritten("types=ROLE", &styles),
            "types=ROLE",
            "one item is itself"
        );
        assert_eq!(
            rewritten("types=A%2CB&types=C", &styles),
            "types=A%2CB,C",
            "a comma inside an item stays escaped"
        );
    }

    #[test]
    fn exploded_arrays_stay_one_pair_per_item() {
        assert_eq!(
            rewritten("types=ROLE&types=ACCESS_PROFILE", &[]),
            "types=ROLE&types=ACCESS_PROFILE"
        );
    }

    #[test]
    fn spaces_are_percent_encoded_and_plus_signs_stay_plus_signs() {
        assert_eq!(
            rewritten("filters=name+eq+%22My+Source%22&q=a%2Bb&flag", &[]),
            "filters=name%20eq%20%22My%20Source%22&q=a%2Bb&flag"
        );
    }
}

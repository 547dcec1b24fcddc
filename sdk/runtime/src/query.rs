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
//! - `style: deepObject`: one pair per member, `where[kind]=ROLE`; the
//!   generated `send` writes such a parameter through [`DeepObject`]
//!   (progenitor's encoder would write the members without the
//!   parameter's name), and the rewrite unescapes the brackets;
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
    /// `deepObject`: an object's members as `name[member]=value`, written
    /// by [`DeepObject`].
    DeepObject,
}

impl QueryStyle {
    /// The text joining a parameter's items; `None` for a style that
    /// does not join them.
    fn delimiter(self) -> Option<&'static str> {
        match self {
            QueryStyle::Comma => Some(","),
            QueryStyle::Space => Some("%20"),
            QueryStyle::Pipe => Some("%7C"),
            QueryStyle::DeepObject => None,
        }
    }
}

/// A `style: deepObject` query parameter: serializes `value` (an object)
/// as one pair per member, `name[member]=value`, a nested object as
/// `name[member][inner]=value` and a list as one pair per item; `null`
/// members and a `None` value write nothing. Encoders escape the brackets
/// (`name%5Bmember%5D`); [`rewrite_query`] writes them as brackets again.
pub struct DeepObject<'a, T> {
    name: &'a str,
    value: &'a T,
}

impl<'a, T> DeepObject<'a, T> {
    /// The parameter `name` with `value`, as the generated `send` passes
    /// it to `reqwest::RequestBuilder::query`.
    pub fn new(name: &'a str, value: &'a T) -> Self {
        DeepObject { name, value }
    }
}

impl<T: serde::Serialize> serde::Serialize for DeepObject<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};

        let value = serde_json::to_value(self.value).map_err(S::Error::custom)?;
        let mut pairs = Vec::new();
        deep_pairs(self.name.to_owned(), &value, &mut pairs);
        let mut seq = serializer.serialize_seq(Some(pairs.len()))?;
        for pair in &pairs {
            seq.serialize_element(pair)?;
        }
        seq.end()
    }
}

/// The pairs of `value` under `key`, in member order.
fn deep_pairs(key: String, value: &serde_json::Value, pairs: &mut Vec<(String, String)>) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::Object(members) => {
            for (member, inner) in members {
                deep_pairs(format!("{key}[{member}]"), inner, pairs);
            }
        }
        Value::Array(items) => {
            for item in items {
                deep_pairs(key.clone(), item, pairs);
            }
        }
        Value::String(text) => pairs.push((key, text.clone())),
        scalar => pairs.push((key, scalar.to_string())),
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
        if let Some(member) = deep_object_member(&key, &decoded, styles) {
            pairs.push((member, value.map(|v| vec![v]), None));
            continue;
        }
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
                values.join(style.and_then(QueryStyle::delimiter).unwrap_or(""))
            ),
            None => key,
        })
        .collect();
    url.set_query(Some(&rewritten.join("&")));
}

/// The key of a member of a `deepObject` parameter (`decoded` is
/// `name[member]`) with its brackets unescaped: `name[member]`, the
/// member's name staying as encoded.
fn deep_object_member(key: &str, decoded: &str, styles: &[(&str, QueryStyle)]) -> Option<String> {
    let (name, _) = decoded.split_once('[')?;
    styles
        .iter()
        .any(|(styled, style)| *style == QueryStyle::DeepObject && *styled == name)
        .then(|| key.replace("%5B", "[").replace("%5D", "]"))
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
    fn deep_object_members_go_out_as_name_and_member_in_brackets() {
        #[derive(serde::Serialize)]
        struct Where {
            department: &'static str,
            location: Option<&'static str>,
            levels: Vec<u8>,
            owner: serde_json::Value,
        }
        let value = Some(Where {
            department: "Sales and Marketing",
            location: None,
            levels: vec![1, 2],
            owner: serde_json::json!({"id": "o1"}),
        });
        // As the generated `send` writes it: through reqwest's encoder.
        let request = reqwest::Client::new()
            .get("https://t.example/v2025/x")
            .query(&[("limit", "5")])
            .query(&DeepObject::new("where", &value))
            .build();
        let Ok(mut request) = request else {
            panic!("the request builds: {request:?}");
        };
        let url = request.url_mut();
        rewrite_query(url, &[("where", QueryStyle::DeepObject)]);
        assert_eq!(
            url.query(),
            Some(
                "limit=5&where[department]=Sales%20and%20Marketing\
                 &where[levels]=1&where[levels]=2&where[owner][id]=o1"
            )
        );
        // Another parameter whose name starts alike is not touched.
        assert_eq!(
            rewritten("whereabouts%5Bx%5D=1", &[("where", QueryStyle::DeepObject)]),
            "whereabouts%5Bx%5D=1"
        );
        let none: Option<Where> = None;
        let mut pairs = Vec::new();
        deep_pairs(
            "where".into(),
            &serde_json::to_value(&none).unwrap_or_default(),
            &mut pairs,
        );
        assert!(pairs.is_empty());
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

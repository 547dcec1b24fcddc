//! Makes progenitor's prelude import the tag traits anonymously (`as _`):
//! their names are the same in every version, so two versions' preludes
//! glob-imported together would make every trait name ambiguous. The
//! methods are what a prelude is for; the traits stay nameable at the crate
//! root.

use syn::{Item, UseTree};

use super::shape;
use crate::error::Error;

pub fn anonymous_trait_imports(items: &mut [Item]) -> Result<(), Error> {
    for item in shape::module_mut(items, shape::PRELUDE)? {
        let Item::Use(import) = item else { continue };
        let UseTree::Path(path) = &mut import.tree else {
            continue;
        };
        if let UseTree::Name(name) = &*path.tree
            && name.ident != "Client"
        {
            let ident = name.ident.clone();
            *path.tree = syn::parse_quote!(#ident as _);
        }
    }
    Ok(())
}

enum TagReadersPlaceholder {}

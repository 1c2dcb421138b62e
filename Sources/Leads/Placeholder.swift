public enum LeadsPlaceholder {}

"""The config file: where it is, reading it, validating it, and editing it.

- `paths`     where the config file lives (`$TUI_DIGEST_CONFIG` or the user config folder)
- `errors`    ConfigError (unusable file: names file and line) and ConfigWarning
- `toml_file` reading with tomllib, line numbers for messages
- `fields`    typed, range-checked readers for one table; unknown-key warnings with suggestions
- `schema`    every table and key the program knows (the source of unknown-key warnings)
- `sources`   [[sources]]: Source, the built-in defaults, URL rules, category inference
- `fetch`     [fetch]: FetchSettings, turned into the net layer's HttpOptions
- `loader`    load_config(): the whole file as a typed Config plus its warnings
- `editing`   changing the file with tomlkit, so the user's comments and layout survive

Layer: above `core` and `net`, below the features (fetch, translate, enrich).
"""

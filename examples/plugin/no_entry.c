/* no_entry.c - a shared object without ax_plugin_models, for the loader's test. */
int ax_not_a_plugin(void) { return 0; }

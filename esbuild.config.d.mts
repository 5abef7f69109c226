// Types of esbuild.config.mjs for the tests and benchmarks that build the plugin as it ships.
import type { BuildOptions } from 'esbuild';
export declare const pluginBuild: BuildOptions;

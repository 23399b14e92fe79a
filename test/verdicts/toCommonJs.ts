/**
 * The CommonJS twin of an ESM fixture, so every ESM fixture also runs as a CJS user writes it
 * (`const { stop } = require('unflake')`). Only named imports are rewritten; anything else ESM-only
 * (default or namespace imports, `export`, `import.meta`, top-level await) is refused, never guessed.
 */
const NAMED_IMPORT = /^import\s*\{([^}]*)\}\s*from\s*'([^']+)';?\s*$/;
const SIDE_EFFECT_IMPORT = /^import\s*'([^']+)';?\s*$/;

function rewriteBindings(bindings: string): string {
  return bindings
    .split(',')
    .map((binding) => binding.trim())
    .filter(Boolean)
    .map((binding) => binding.replace(/^(\w+)\s+as\s+(\w+)$/, '$1: $2'))
    .join(', ');
}

export function toCommonJs(source: string, name: string): string {
  const lines = source.split('\n').map((line, index) => {
    const named = NAMED_IMPORT.exec(line);
    if (named) return `const { ${rewriteBindings(named[1]!)} } = require('${named[2]}');`;
    const bare = SIDE_EFFECT_IMPORT.exec(line);
    if (bare) return `require('${bare[1]}');`;
    if (/^\s*(import|export)\b|import\.meta|^await\b|^const .*= await /.test(line)) {
      throw new Error(
        `toCommonJs: ${name}:${index + 1} has ESM-only syntax that has no faithful CommonJS form: ${line.trim()}`,
      );
    }
    return line;
  });
  return `'use strict';\n${lines.join('\n')}`;
}

// The custom elements manifest (dist/custom-elements.json, the package's `customElements`): what
// editors, Storybook and framework tooling read to learn the tags, their attributes, properties,
// events, parts, CSS properties and states. The analyzer reads the class doc comments and Lit's
// `static properties`; the plugins below add what it cannot read by itself from this source:
// defaults set in the constructor, which event class each event is, and which getters are read-only.
// They also leave out what is not public API, and point the modules at the published dist files.

export default {
  globs: ['src/index.ts', 'src/define.ts', 'src/liveproof-check.ts', 'src/liveproof-badge.ts', 'src/events/*.ts'],
  outdir: 'dist',
  litelement: true,
  packagejson: false,
  plugins: [constructorFacts(), publicApiOnly(), eventClasses(), distPaths()],
};

/** `Object.assign(this, { … })` and `this.a = this.b = value` in a constructor: the analyzer sees neither. */
function constructorFacts() {
  /** @type {Map<string, { defaults: Map<string, string>, readonly: Set<string> }>} */
  const classes = new Map();
  return {
    name: 'liveproof: constructor defaults and read-only getters',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const defaults = new Map();
      const setters = new Set(node.members.filter(ts.isSetAccessor).map((member) => member.name.getText()));
      const readonly = new Set(node.members.filter((member) => ts.isGetAccessor(member) && !setters.has(member.name.getText())).map((member) => member.name.getText()));
      const isThis = (expression) => expression.kind === ts.SyntaxKind.ThisKeyword;
      for (const statement of node.members.find(ts.isConstructorDeclaration)?.body?.statements ?? []) {
        if (!ts.isExpressionStatement(statement)) continue;
        const expression = statement.expression;
        if (ts.isCallExpression(expression) && expression.expression.getText() === 'Object.assign' && isThis(expression.arguments[0])) {
          const values = expression.arguments[1];
          if (values && ts.isObjectLiteralExpression(values)) {
            for (const property of values.properties.filter(ts.isPropertyAssignment)) defaults.set(property.name.getText(), property.initializer.getText());
          }
        }
        // this.a = this.b = value: every name in the chain gets the last value.
        const names = [];
        let link = expression;
        while (ts.isBinaryExpression(link) && link.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(link.left) && isThis(link.left.expression)) {
          names.push(link.left.name.getText());
          link = link.right;
        }
        if (names.length > 1) for (const name of names) defaults.set(name, link.getText());
      }
      classes.set(node.name.getText(), { defaults, readonly });
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        const facts = classes.get(declaration.name);
        if (!facts) continue;
        for (const member of declaration.members ?? []) {
          if (facts.defaults.has(member.name)) member.default = facts.defaults.get(member.name);
          if (facts.readonly.has(member.name)) member.readonly = true;
        }
        for (const attribute of declaration.attributes ?? []) {
          if (facts.defaults.has(attribute.fieldName)) attribute.default = facts.defaults.get(attribute.fieldName);
        }
      }
    },
  };
}

/**
 * What the JavaScript does not export is left out: private members (`#x`, `private`, and so Lit's
 * internal state), module locals, and type-only exports (`export type { … }`). A global superclass
 * (`Event`) is named as one, not as a declaration of the module.
 */
function publicApiOnly() {
  /** @type {Map<string, Set<string>>} module path to its type-only export names */
  const typeOnly = new Map();
  return {
    name: 'liveproof: public API only',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isExportDeclaration(node) || !node.exportClause || !ts.isNamedExports(node.exportClause)) return;
      const names = typeOnly.get(moduleDoc.path) ?? new Set();
      for (const specifier of node.exportClause.elements) if (node.isTypeOnly || specifier.isTypeOnly) names.add(specifier.name.getText());
      typeOnly.set(moduleDoc.path, names);
    },
    moduleLinkPhase({ moduleDoc }) {
      const types = typeOnly.get(moduleDoc.path) ?? new Set();
      moduleDoc.exports = moduleDoc.exports?.filter((entry) => !types.has(entry.name));
      for (const declaration of moduleDoc.declarations ?? []) {
        if (declaration.kind !== 'class') continue;
        const hidden = new Set((declaration.members ?? []).filter((member) => member.privacy === 'private').map((member) => member.name));
        declaration.members = declaration.members?.filter((member) => !hidden.has(member.name));
        declaration.attributes = declaration.attributes?.filter((attribute) => !hidden.has(attribute.fieldName));
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        const exported = new Set((mod.exports ?? []).map((entry) => entry.declaration.name));
        mod.declarations = mod.declarations?.filter((declaration) => exported.has(declaration.name));
        for (const declaration of mod.declarations ?? []) {
          const superclass = declaration.superclass;
          if (superclass?.module === mod.path && !mod.declarations.some((other) => other.name === superclass.name)) {
            declaration.superclass = { name: superclass.name, package: 'global:' };
          }
        }
      }
    },
  };
}

/**
 * Each event is a class with a `static readonly type` (src/events/): an event found in a
 * `dispatchEvent(new LiveproofCompleteEvent(response))` gets its name from that class, and one named
 * by `@fires` gets the class as its type; the two are then one entry.
 */
function eventClasses() {
  return {
    name: 'liveproof: event classes',
    packageLinkPhase({ customElementsManifest }) {
      const classes = customElementsManifest.modules.flatMap((mod) =>
        (mod.declarations ?? []).flatMap((declaration) => {
          const type = declaration.kind === 'class' && declaration.members?.find((member) => member.static && member.name === 'type');
          const name = type && /^'([^']+)'$/.exec(type.default ?? '')?.[1];
          return name ? [{ name, className: declaration.name, module: mod.path }] : [];
        }),
      );
      for (const element of customElementsManifest.modules.flatMap((mod) => mod.declarations ?? []).filter((declaration) => declaration.customElement)) {
        const merged = new Map();
        for (const event of element.events ?? []) {
          const known = classes.find((entry) => entry.className === event.type?.text) ?? classes.find((entry) => entry.name === event.name);
          const name = known?.name ?? event.name;
          if (!name) continue;
          const type = known ? { text: known.className, references: [{ name: known.className, module: known.module }] } : event.type;
          merged.set(name, { ...merged.get(name), ...event, name, ...(type ? { type } : {}), description: event.description ?? merged.get(name)?.description });
        }
        element.events = [...merged.values()].map(({ description, ...event }) => (description ? { ...event, description } : event));
      }
    },
  };
}

/** The published package has no src: modules and references name the dist files the build writes. */
function distPaths() {
  const toDist = (path) => path.replace(/^(\.\/)?src\//, 'dist/').replace(/\.ts$/, '.js');
  const resolveFrom = (modulePath, target) => {
    if (!target.startsWith('.')) return target;
    const parts = modulePath.split('/').slice(0, -1);
    for (const part of target.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.') parts.push(part);
    }
    return parts.join('/');
  };
  const rewrite = (value, modulePath) => {
    if (Array.isArray(value)) return value.forEach((item) => rewrite(item, modulePath));
    if (!value || typeof value !== 'object') return;
    if (typeof value.module === 'string') value.module = toDist(resolveFrom(modulePath, value.module));
    for (const child of Object.values(value)) rewrite(child, modulePath);
  };
  return {
    name: 'liveproof: dist paths',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        rewrite(mod.declarations, mod.path);
        rewrite(mod.exports, mod.path);
        mod.path = toDist(mod.path);
      }
    },
  };
}

/**
 * What cloudfront-js-2.0 accepts as source, checked before a function is built or loaded:
 * the syntax "JavaScript runtime 2.0 features" lists, and the function size quota.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
import * as acorn from 'acorn';


// Syntax allowlist (functions-javascript-runtime-20.html, "Core features" and
// "Restricted features"). Anything the page does not list is refused: ES 5.1 statements and
// operators, `const`/`let`, `async`/`await` (await only inside async functions; "async
// arguments and closures are not supported", so async only on top-level function
// declarations), `**`, template literals (not tagged), arrow functions, rest parameters,
// numeric separators. Not listed, so refused: classes, generators, destructuring, spread,
// default parameters, for-of, optional chaining, `??`, logical assignment, shorthand and
// computed properties, methods in object literals, optional catch binding, BigInt, regular
// expression flags other than g, i, m, y, dynamic import, `import.meta`, `debugger`.

const ALLOWED_NODES = new Set([
  'Program', 'ImportDeclaration', 'ImportDefaultSpecifier',
  'ExpressionStatement', 'BlockStatement', 'EmptyStatement', 'IfStatement', 'LabeledStatement',
  'BreakStatement', 'ContinueStatement', 'SwitchStatement', 'SwitchCase', 'ReturnStatement',
  'ThrowStatement', 'TryStatement', 'CatchClause', 'WhileStatement', 'DoWhileStatement',
  'ForStatement', 'ForInStatement', 'FunctionDeclaration', 'VariableDeclaration', 'VariableDeclarator',
  'Identifier', 'Literal', 'ThisExpression', 'ArrayExpression', 'ObjectExpression', 'Property',
  'FunctionExpression', 'ArrowFunctionExpression', 'UnaryExpression', 'UpdateExpression',
  'BinaryExpression', 'AssignmentExpression', 'LogicalExpression', 'MemberExpression',
  'ConditionalExpression', 'CallExpression', 'NewExpression', 'SequenceExpression',
  'TemplateLiteral', 'TemplateElement', 'AwaitExpression', 'RestElement', 'ParenthesizedExpression',
]);

const NODE_LABELS: Record<string, string> = {
  ClassDeclaration: 'class', ClassExpression: 'class', ClassBody: 'class', MethodDefinition: 'class',
  PropertyDefinition: 'class field', PrivateIdentifier: 'private name', StaticBlock: 'class static block',
  Super: 'super', ObjectPattern: 'destructuring', ArrayPattern: 'destructuring',
  AssignmentPattern: 'default value', SpreadElement: 'spread (...)', ForOfStatement: 'for-of',
  ChainExpression: 'optional chaining (?.)', TaggedTemplateExpression: 'tagged template',
  YieldExpression: 'generator', ImportExpression: 'dynamic import()', MetaProperty: 'new.target / import.meta',
  ExportNamedDeclaration: 'export', ExportDefaultDeclaration: 'export', ExportAllDeclaration: 'export',
  ImportSpecifier: 'named import', ImportNamespaceSpecifier: 'namespace import',
  DebuggerStatement: 'debugger', WithStatement: 'with',
};

const ALLOWED_ASSIGNMENT = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '>>>=', '|=', '^=', '&=', '**=']);
const ALLOWED_REQUIRE = new Set(['crypto', 'querystring', 'buffer']);
/** "Restricted features": no timers, no process, no network. */
const FORBIDDEN_GLOBALS = new Set([
  'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
  'queueMicrotask', 'process', 'fetch', 'XMLHttpRequest', 'WebSocket',
]);

export type AnyNode = acorn.Node & Record<string, any>;

/**
 * Checks `code` (one CloudFront Function source file) against the cloudfront-js-2.0 feature
 * list. Returns the violations, each with line:column; empty means it fits.
 */
export function checkCloudFrontJs2Syntax(code: string): string[] {
  let ast: AnyNode;
  try {
    ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true }) as AnyNode;
  } catch (e) {
    return [`does not parse: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  const at = (node: AnyNode) => (node.loc ? `${node.loc.start.line}:${node.loc.start.column + 1}` : '?');
  const refuse = (node: AnyNode, what: string) => problems.push(`${at(node)} ${what} is not supported by cloudfront-js-2.0`);

  const visit = (node: AnyNode, parent: AnyNode | null, functions: AnyNode[]): void => {
    const type = node.type;
    if (!ALLOWED_NODES.has(type)) {
      refuse(node, NODE_LABELS[type] ?? type);
      return;
    }
    switch (type) {
      case 'ImportDeclaration':
        if (node.source.value !== 'cloudfront' || node.specifiers.length !== 1 || node.specifiers[0].type !== 'ImportDefaultSpecifier') {
          refuse(node, `import other than \`import cf from 'cloudfront'\``);
        }
        break;
      case 'Literal':
        if (typeof node.bigint === 'string') refuse(node, 'BigInt literal');
        if (node.regex && /[^gimy]/.test(node.regex.flags)) refuse(node, `regular expression flag "${node.regex.flags}"`);
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (node.generator) refuse(node, 'generator');
        if (node.async && (type !== 'FunctionDeclaration' || parent?.type !== 'Program')) {
          refuse(node, 'async function that is not a top-level declaration ("async arguments and closures")');
        }
        node.params.forEach((param: AnyNode, i: number) => {
          const restLast = param.type === 'RestElement' && i === node.params.length - 1 && param.argument.type === 'Identifier';
          if (param.type !== 'Identifier' && !restLast) refuse(param, NODE_LABELS[param.type] ?? param.type);
        });
        break;
      case 'RestElement':
        if (!parent || !Array.isArray(parent.params) || !parent.params.includes(node)) refuse(node, 'rest element outside parameters');
        break;
      case 'VariableDeclarator':
        if (node.id.type !== 'Identifier') refuse(node.id, NODE_LABELS[node.id.type] ?? node.id.type);
        break;
      case 'CatchClause':
        if (!node.param) refuse(node, 'optional catch binding');
        else if (node.param.type !== 'Identifier') refuse(node.param, 'destructuring');
        break;
      case 'Property':
        if (node.shorthand) refuse(node, 'shorthand property');
        if (node.method) refuse(node, 'method in object literal');
        if (node.computed) refuse(node, 'computed property name');
        break;
      case 'LogicalExpression':
        if (node.operator === '??') refuse(node, 'nullish coalescing (??)');
        break;
      case 'AssignmentExpression':
        if (!ALLOWED_ASSIGNMENT.has(node.operator)) refuse(node, `assignment operator ${node.operator}`);
        if (node.left.type !== 'Identifier' && node.left.type !== 'MemberExpression') refuse(node.left, 'destructuring');
        break;
      case 'MemberExpression':
      case 'CallExpression':
        if (node.optional) refuse(node, 'optional chaining (?.)');
        break;
      case 'AwaitExpression':
        if (!functions.some((f) => f.async)) refuse(node, 'top-level await');
        break;
      case 'Identifier':
        checkIdentifier(node, parent);
        break;
    }
    if (type === 'CallExpression' || type === 'NewExpression') checkCall(node);
    const inner = type.includes('Function') ? [...functions, node] : functions;
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'start' || key === 'end' || key === 'type') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) if (child && typeof child.type === 'string') visit(child, node, inner);
      } else if (value && typeof value.type === 'string') {
        visit(value, node, inner);
      }
    }
  };

  const checkIdentifier = (node: AnyNode, parent: AnyNode | null): void => {
    if (!parent) return;
    if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return;
    if (parent.type === 'Property' && parent.key === node && !parent.computed) return;
    if ((parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') && parent.label === node) return;
    if (FORBIDDEN_GLOBALS.has(node.name)) refuse(node, `\`${node.name}\` (restricted feature)`);
  };

  const checkCall = (node: AnyNode): void => {
    const callee = node.callee;
    if (callee.type === 'Identifier' && callee.name === 'eval') refuse(node, '`eval` (dynamic code evaluation)');
    if (callee.type === 'Identifier' && callee.name === 'Function') refuse(node, 'the `Function` constructor (dynamic code evaluation)');
    if (callee.type === 'Identifier' && callee.name === 'require') {
      const arg = node.arguments[0];
      if (node.arguments.length !== 1 || arg.type !== 'Literal' || !ALLOWED_REQUIRE.has(arg.value)) {
        refuse(node, "require() of anything but 'crypto', 'querystring' or 'buffer'");
      }
    }
    if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'console') {
      const name = callee.property.name ?? callee.property.value;
      if (name !== 'log') refuse(node, `console.${name}`);
      else if (node.arguments.length !== 1) refuse(node, 'console.log with other than one argument ("comma syntax")');
    }
  };

  visit(ast, null, []);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The documented globals and built-in methods (functions-javascript-runtime-20.html).

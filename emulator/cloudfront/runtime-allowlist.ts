/**
 * What the cloudfront-js-2.0 runtime documents: the globals and the built-in methods kept in
 * the sandbox realm. Everything not listed here is deleted by the prelude.
 */
export const GLOBALS = [
  'globalThis', 'NaN', 'Infinity', 'undefined', 'eval',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Date', 'RegExp', 'Math', 'JSON', 'Promise',
  'ArrayBuffer', 'DataView', 'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Uint8Array',
  'Uint8ClampedArray', 'Uint16Array', 'Uint32Array',
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
];

/** Own string-keyed properties kept on each built-in; everything else is deleted. */
export const BUILTIN_ALLOWLIST: Record<string, { statics: string[]; proto: string[] }> = {
  Object: {
    statics: ['create', 'defineProperties', 'defineProperty', 'freeze', 'getOwnPropertyDescriptor', 'getOwnPropertyDescriptors',
      'getOwnPropertyNames', 'getPrototypeOf', 'isExtensible', 'isFrozen', 'isSealed', 'keys', 'preventExtensions', 'seal',
      'assign', 'entries', 'values', 'is', 'setPrototypeOf'],
    proto: ['hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'valueOf', 'toLocaleString'],
  },
  // The runtime "is compliant with ECMAScript 5.1" (functions-javascript-runtime-features.html):
  // every ES 5.1 built-in is there even where the 2.0 page's lists (the ES 6+ additions) do not
  // name it, such as charCodeAt, localeCompare, toLocale*Case and toLocaleString.
  String: {
    statics: ['fromCharCode', 'fromCodePoint'],
    proto: ['charAt', 'charCodeAt', 'localeCompare', 'toLocaleLowerCase', 'toLocaleUpperCase', 'concat', 'indexOf', 'lastIndexOf', 'match', 'replace', 'search', 'slice', 'split', 'substr', 'substring',
      'toLowerCase', 'trim', 'toUpperCase', 'codePointAt', 'endsWith', 'includes', 'repeat', 'startsWith', 'padStart', 'padEnd',
      'trimStart', 'trimEnd', 'replaceAll', 'toString', 'valueOf'],
  },
  Number: {
    statics: ['EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER', 'MAX_VALUE', 'MIN_VALUE', 'NaN', 'NEGATIVE_INFINITY',
      'POSITIVE_INFINITY', 'isFinite', 'isInteger', 'isNaN', 'isSafeInteger', 'parseInt', 'parseFloat'],
    proto: ['toExponential', 'toFixed', 'toPrecision', 'toString', 'toLocaleString', 'valueOf'],
  },
  Function: { statics: [], proto: ['apply', 'bind', 'call', 'toString', 'arguments', 'caller'] },
  RegExp: {
    statics: [],
    proto: ['global', 'ignoreCase', 'multiline', 'source', 'sticky', 'flags', 'exec', 'test', 'toString', 'lastIndex'],
  },
  Array: {
    statics: ['isArray', 'of'],
    proto: ['concat', 'every', 'filter', 'forEach', 'indexOf', 'join', 'lastIndexOf', 'map', 'pop', 'push', 'reduce',
      'reduceRight', 'reverse', 'shift', 'slice', 'some', 'sort', 'splice', 'unshift', 'copyWithin', 'fill', 'find',
      'findIndex', 'includes', 'toString', 'toLocaleString'],
  },
  ArrayBuffer: { statics: ['isView'], proto: ['slice', 'byteLength'] },
  Promise: {
    statics: ['all', 'allSettled', 'any', 'reject', 'resolve', 'race'],
    proto: ['catch', 'finally', 'then'],
  },
  DataView: {
    statics: [],
    proto: ['buffer', 'byteLength', 'byteOffset', 'getFloat32', 'getFloat64', 'getInt16', 'getInt32', 'getInt8', 'getUint16',
      'getUint32', 'getUint8', 'setFloat32', 'setFloat64', 'setInt16', 'setInt32', 'setInt8', 'setUint16', 'setUint32', 'setUint8'],
  },
  Symbol: { statics: ['for', 'keyFor'], proto: ['toString', 'valueOf', 'description'] },
  JSON: { statics: ['parse', 'stringify'], proto: [] },
  Math: {
    statics: ['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2', 'abs', 'acos', 'acosh', 'asin', 'asinh', 'atan',
      'atan2', 'atanh', 'cbrt', 'ceil', 'clz32', 'cos', 'cosh', 'exp', 'expm1', 'floor', 'fround', 'hypot', 'imul', 'log',
      'log1p', 'log2', 'log10', 'max', 'min', 'pow', 'random', 'round', 'sign', 'sinh', 'sin', 'sqrt', 'tan', 'tanh', 'trunc'],
    proto: [],
  },
  Error: { statics: [], proto: ['message', 'name', 'toString'] },
};

export const TYPED_ARRAY_PROTO = ['copyWithin', 'every', 'fill', 'filter', 'find', 'findIndex', 'forEach', 'includes', 'indexOf', 'join',
  'lastIndexOf', 'map', 'reduce', 'reduceRight', 'reverse', 'some', 'set', 'slice', 'sort', 'subarray', 'toString',
  'buffer', 'byteLength', 'byteOffset', 'length'];

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * A static check that SQL text is never built from input: every `<anything>.query(text, …)` call in
 * the libraries' production code (libs/**\/*.ts without specs and testing helpers) must pass its
 * text as
 * - a string literal or a template literal without substitutions; or
 * - a template literal whose every `${…}` is trusted: a call to an identifier-quoting helper
 *   (a function whose name says so: qualified, quoteIdent, ident…, escapeIdentifier), a number,
 *   an UPPER_CASE module constant, or a local `const` whose own value is trusted by these rules;
 * - or such a local const, or a `.text` of an object literal built the same way (or an
 *   UPPER_CASE constant query config spread into it: `{ ...APPEND_BATCH, values }`); a conditional
 *   whose two branches are trusted; `${x.length}` (placeholder numbers such as `$${params.length}`);
 *   a function called with only literal or trusted arguments (SQL fragment helpers such as
 *   `ownedTouchpointsCte(1, 2)`); a lookup in an UPPER_CASE constant table (`COLUMNS[field]`).
 * Values always go as parameters ($1, $2…). String concatenation with `+` is never trusted.
 * Anything else is reported with its file and line, unless it is listed in REVIEWED with the
 * reason it is safe (identifiers from code, never from a request).
 */
/**
 * Statements the rules above cannot prove safe, reviewed by hand: the file, a piece of the
 * finding's reason or text, and why it is safe. A new finding that matches none of these fails.
 */
export const REVIEWED: readonly { file: string; match: string; why: string }[] = [
  {
    file: 'libs/database/src/migrations.ts',
    match: 'migration.sql',
    why: 'migrations are SQL shipped in versioned code modules, checksummed, never input',
  },
  {
    file: 'libs/relay/src/leader-lock.ts',
    match: '`text`',
    why: "a pass-through (statement timeout on the lock session) for the relay's own constant statements",
  },
  {
    file: 'libs/projections/src/storage/jsonb-projection-storage.ts',
    match: '${this.projection}',
    why: 'CREATE INDEX: the projection name, index names and JSON paths come from projection definitions in code (name, table.indexes); the table from qualified()',
  },
  {
    file: 'libs/read-models/src/complaints/sql/readComplaintServiceLevels.ts',
    match: '${grouping.',
    why: 'the grouping fragments are literals, the column a lookup in GROUP_COLUMN by a groupBy the request DTO validated as an enum',
  },
  {
    file: 'libs/read-models/src/snapshots/job-lock.ts',
    match: 'INSERT INTO ${table}',
    why: "table and column names are the snapshot jobs' own constants; every value goes as an unnest parameter",
  },
  {
    file: 'libs/read-models/src/sql/listProfiles.ts',
    match: '${expr}',
    why: 'the sort expression is looked up in SORT_SQL by a sort field the request DTO validated as an enum',
  },
  {
    file: 'libs/read-models/src/rfm/sql/readRfmRows.ts',
    match: "where.join(' AND ')",
    why: 'the WHERE clauses are literals with $n placeholders; the values are in params',
  },
  {
    file: 'libs/read-models/src/churn/sql/readChurnRows.ts',
    match: "where.join(' AND ')",
    why: 'the WHERE clauses are literals with $n placeholders; the values are in params',
  },
];

export function isReviewed(finding: SqlFinding): boolean {
  return REVIEWED.some(
    (r) =>
      r.file === finding.file &&
      (finding.reason.includes(r.match) || finding.text.includes(r.match)),
  );
}

export interface SqlFinding {
  file: string;
  line: number;
  text: string;
  reason: string;
}

const IDENTIFIER_HELPER =
  /^(qualified|quoteIdent|quoteIdentifier|ident|identifier|escapeIdentifier|sqlIdentifier|tableName)$/i;
const CONSTANT = /^[A-Z][A-Z0-9_]*$/;

function productionFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'testing') continue;
      files.push(...productionFiles(full));
    } else if (
      entry.name.endsWith('.ts') &&
      !/\.(spec|int-spec|e2e-spec|d)\.ts$/.test(entry.name)
    ) {
      files.push(full);
    }
  }
  return files;
}

export function checkSqlConstruction(
  root: string,
  libsDir = join(root, 'libs'),
): {
  files: number;
  queries: number;
  findings: SqlFinding[];
} {
  const findings: SqlFinding[] = [];
  let queries = 0;
  const files = productionFiles(libsDir);
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
    );
    const consts = new Map<string, ts.Expression>();
    const collect = (node: ts.Node): void => {
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.initializer &&
        ts.isVariableDeclarationList(node.parent) &&
        (node.parent.flags & ts.NodeFlags.Const) !== 0
      )
        consts.set(node.name.text, node.initializer);
      ts.forEachChild(node, collect);
    };
    collect(source);

    const trusted = (expr: ts.Expression, depth = 0): string | null => {
      if (depth > 5) return 'too deep to follow';
      if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr))
        return trusted(expr.expression, depth);
      if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return null;
      if (ts.isNumericLiteral(expr)) return null;
      if (ts.isTemplateExpression(expr)) {
        for (const span of expr.templateSpans) {
          const why = substitution(span.expression, depth);
          if (why) return why;
        }
        return null;
      }
      if (ts.isIdentifier(expr)) {
        if (CONSTANT.test(expr.text)) return null;
        const value = consts.get(expr.text);
        return value
          ? trusted(value, depth + 1)
          : `\`${expr.text}\` is not a constant of this file`;
      }
      if (ts.isConditionalExpression(expr))
        return trusted(expr.whenTrue, depth + 1) ?? trusted(expr.whenFalse, depth + 1);
      if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken)
        return 'SQL built with +';
      return `${ts.SyntaxKind[expr.kind]} is not a literal`;
    };
    const substitution = (expr: ts.Expression, depth: number): string | null => {
      if (ts.isParenthesizedExpression(expr)) return substitution(expr.expression, depth);
      if (ts.isNumericLiteral(expr)) return null;
      if (ts.isConditionalExpression(expr) || ts.isTemplateExpression(expr))
        return trusted(expr, depth + 1);
      // `$${params.length}`: a placeholder number.
      if (ts.isPropertyAccessExpression(expr) && expr.name.text === 'length') return null;
      if (
        ts.isCallExpression(expr) &&
        ts.isIdentifier(expr.expression) &&
        expr.arguments.length > 0 &&
        expr.arguments.every(
          (a) => (ts.isIdentifier(a) && a.text === 'undefined') || trusted(a, depth + 1) === null,
        )
      )
        return null; // a fragment helper called with literals (or trusted text) only
      // A lookup in a constant table: SORT_COLUMNS[field].
      if (ts.isElementAccessExpression(expr) && CONSTANT.test(expr.expression.getText(source)))
        return null;
      if (ts.isCallExpression(expr)) {
        const callee = expr.expression;
        const name = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : '';
        if (IDENTIFIER_HELPER.test(name)) return null;
        return `\${${expr.getText(source).slice(0, 60)}} is not an identifier helper`;
      }
      if (ts.isIdentifier(expr)) {
        if (CONSTANT.test(expr.text)) return null;
        const value = consts.get(expr.text);
        return value
          ? trusted(value, depth + 1)
          : `\${${expr.text}} is not a constant of this file`;
      }
      if (ts.isPropertyAccessExpression(expr) && CONSTANT.test(expr.expression.getText(source)))
        return null;
      return `\${${expr.getText(source).slice(0, 60)}} is not trusted`;
    };

    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'query' &&
        node.arguments.length > 0
      ) {
        queries += 1;
        let text = node.arguments[0]!;
        if (ts.isObjectLiteralExpression(text)) {
          // A query config: its `text`, or the `text` of a constant config spread into it
          // (`{ ...APPEND_BATCH, values }`, a prepared statement's name and text).
          const prop = text.properties.find(
            (p): p is ts.PropertyAssignment =>
              ts.isPropertyAssignment(p) && p.name.getText(source) === 'text',
          );
          const spread = text.properties.find(
            (p): p is ts.SpreadAssignment =>
              ts.isSpreadAssignment(p) &&
              ts.isIdentifier(p.expression) &&
              CONSTANT.test(p.expression.text),
          );
          if (prop) text = prop.initializer;
          else if (spread) text = spread.expression;
        }
        const why = trusted(text);
        if (why) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          findings.push({
            file: relative(root, file),
            line: line + 1,
            text: node.getText(source).split('\n')[0]!.slice(0, 120),
            reason: why,
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { files: files.length, queries, findings };
}

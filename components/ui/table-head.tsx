// The header row of the portal's data tables: one look per variant and
// scope="col" on every header cell, so each table lists only its columns.
// "boxed": a table on its own shaded card; "plain": a table inside a card.
export type TableColumn = string | { label: string; align: "right" };

const styles = {
  boxed: { head: "bg-slate-100 text-left text-xs uppercase text-slate-700", cell: "px-3 py-2" },
  plain: { head: "text-left text-xs uppercase text-slate-700", cell: "py-2 pr-3" },
} as const;

export function TableHead({ columns, variant = "boxed" }: { columns: TableColumn[]; variant?: keyof typeof styles }) {
  const style = styles[variant];
  return (
    <thead className={style.head}>
      <tr>
        {columns.map((c) =>
          typeof c === "string" ? (
            <th key={c} scope="col" className={style.cell}>
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col" className={`${style.cell} text-right`}>
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

// A labelled form control, the label above it: the portal's filter bars and forms.
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { inputClass } from "@/components/ui/card";

export function Field({
  id,
  label,
  className,
  labelClassName = "",
  children,
}: {
  id: string;
  label: string;
  className?: string;
  labelClassName?: string;
  children: ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className={`block text-sm font-medium ${labelClassName}`.trim()}>
        {label}
      </label>
      {children}
    </div>
  );
}

/** A filter's select: "Any" (the empty value) first, then the options. */
export function SelectField({
  id,
  label,
  value,
  onChange,
  options,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string }[];
}) {
  const t = useTranslations("common.state");
  return (
    <Field id={id} label={label}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={inputClass}>
        <option value="">{t("any")}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A search box; the caller debounces what is typed. */
export function SearchField({
  id,
  label,
  value,
  onChange,
  placeholder,
  maxLength,
  className,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  maxLength?: number;
  className?: string;
}) {
  return (
    <Field id={id} label={label} className={className}>
      <input
        id={id}
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        maxLength={maxLength}
        className={inputClass}
      />
    </Field>
  );
}

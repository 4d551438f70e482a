"use client";
/**
 * The Start run form, generated from the version's input schema. Checks required fields and
 * numbers before sending; shows the server's per-field messages inline after.
 */
import { useActionState, useState } from "react";
import type { Json } from "../../../../lib/engine/types";
import { startRunAction, type StartRunResult } from "../actions";
import { coerceFormInput, controlName, formFromSchema, type FormField } from "./schema-form";
import styles from "../workflows.module.css";

export function StartRunForm({ workflow, version, inputSchema }: { workflow: string; version: number; inputSchema: Json }) {
  const form = formFromSchema(inputSchema);
  const [result, formAction, pending] = useActionState<StartRunResult | null, FormData>(startRunAction, null);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const errors = { ...(result?.fieldErrors ?? {}), ...clientErrors };

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    const data = new FormData(event.currentTarget);
    const { errors: found } = coerceFormInput(form, (name) => {
      const value = data.get(name);
      return typeof value === "string" ? value : null;
    });
    setClientErrors(found);
    if (Object.keys(found).length > 0) {
      event.preventDefault();
      const first = form.fields.find((f) => found[f.name]);
      if (first) document.getElementById(fieldId(first))?.focus();
    }
  }

  const formMessage = result && !result.ok && Object.keys(clientErrors).length === 0 ? result.message : null;
  return (
    <form action={formAction} onSubmit={onSubmit} className={styles.form} noValidate aria-label={`Start ${workflow} version ${version}`}>
      <input type="hidden" name="workflow" value={workflow} />
      <input type="hidden" name="version" value={version} />
      {form.fields.map((field) => (
        <Field key={field.name} field={field} error={errors[field.name]} submitted={result?.values?.[controlName(field)]} />
      ))}
      {formMessage ? (
        <p className="callout callout-error" role="alert">
          {formMessage}
        </p>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={pending}>
        {pending ? "Starting…" : "Start run"}
      </button>
    </form>
  );
}

const fieldId = (field: FormField) => `start-${field.name.replace(/[^a-zA-Z0-9_-]/g, "_")}`;

function Field({ field, error, submitted }: { field: FormField; error?: string; submitted?: string }) {
  const id = fieldId(field);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [field.description ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: controlName(field),
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    "aria-required": field.required || undefined,
  } as const;

  if (field.kind === "boolean") {
    return (
      <div className="field">
        <label className={styles.checkbox} htmlFor={id}>
          <input type="checkbox" {...common} defaultChecked={submitted !== undefined ? submitted === "on" : field.defaultValue} />
          <span className="field-label">{field.label}</span>
        </label>
        {field.description ? <span id={hintId} className="field-hint">{field.description}</span> : null}
        {error ? <span id={errorId} className="field-error">{error}</span> : null}
      </div>
    );
  }

  const initial = submitted ?? defaultText(field);
  let control: React.ReactNode;
  switch (field.kind) {
    case "text":
      control = field.multiline ? (
        <textarea className="textarea" rows={3} defaultValue={initial} {...common} />
      ) : (
        <input className="input" type={field.inputType} defaultValue={initial} autoComplete="off" {...common} />
      );
      break;
    case "number":
      control = <input className="input" type="text" inputMode={field.integer ? "numeric" : "decimal"} defaultValue={initial} autoComplete="off" {...common} />;
      break;
    case "enum":
      control = (
        <select className="select" defaultValue={initial} {...common}>
          {field.required ? null : <option value="">(none)</option>}
          {field.options.map((option) => (
            <option key={String(option)} value={String(option)}>{String(option)}</option>
          ))}
        </select>
      );
      break;
    case "json":
      control = <textarea className="textarea mono" rows={4} defaultValue={initial} spellCheck={false} {...common} />;
      break;
  }
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {field.label}
        {field.required ? <span className="required-mark" aria-hidden="true">*</span> : <span className="faint"> (optional)</span>}
        {field.kind === "json" ? <span className="faint"> · JSON</span> : null}
      </label>
      {control}
      {field.description ? <span id={hintId} className="field-hint">{field.description}</span> : null}
      {error ? <span id={errorId} className="field-error">{error}</span> : null}
    </div>
  );
}

function defaultText(field: FormField): string {
  if (field.defaultValue === undefined || field.defaultValue === null) return "";
  return field.kind === "json" ? JSON.stringify(field.defaultValue, null, 2) : String(field.defaultValue);
}

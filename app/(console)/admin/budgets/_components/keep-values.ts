"use client";
/**
 * Submits a form to a server action without React's automatic form reset, so a refused input
 * (a negative limit, a bad URL) stays in the field next to its error instead of vanishing.
 */
import { startTransition, type FormEvent } from "react";

export function submitKeepingValues(dispatch: (data: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter);
    startTransition(() => dispatch(data));
  };
}

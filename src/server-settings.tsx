import { Action, ActionPanel, Form, Icon, showToast, Toast } from "@raycast/api";
import { useForm, usePromise } from "@raycast/utils";
import { useState } from "react";
import { LIFECYCLE_TIMEOUT_MS } from "../helper/client/index.js";
import type { ConfigView } from "../helper/client/index.js";
import { HelperUnavailable } from "./components/helper-unavailable.js";
import { call, isHelperDown, refreshMenuBar } from "./lib/raycast-client.js";
import {
  CHALLENGE_CHOICES,
  DERP_CHOICES,
  formFromConfig,
  linkedChanges,
  patchFromForm,
  REACH_CHOICES,
  savedTitle,
  TLS_CHOICES,
  visibleFields,
  type FieldId,
  type SettingsForm,
} from "./lib/server-settings-model.js";
import { fieldProblem, formProblems } from "./lib/server-settings-checks.js";

export default function ServerSettings() {
  // Not cached: the form starts from what the helper holds now, never from an older answer.
  const { data, error, isLoading, revalidate } = usePromise(() => call("config.get"), [], { onError: () => {} });
  if (isHelperDown(error)) {
    return <HelperUnavailable onStarted={revalidate} />;
  }
  if (!data) {
    return (
      <Form isLoading={isLoading}>
        {error && <Form.Description title="Could not read the settings" text={error.message} />}
      </Form>
    );
  }
  return <SettingsEditor loaded={data} />;
}

/** Each field checked as the helper's schema would check it, as soon as it is left. */
const validation = Object.fromEntries(
  (
    [
      "listenAddr",
      "serverUrl",
      "tlsHostname",
      "acmeEmail",
      "acmeUrl",
      "certPath",
      "keyPath",
      "baseDomain",
      "nameservers",
    ] as FieldId[]
  ).map((id) => [id, (value: unknown) => fieldProblem(id, value)]),
) as Partial<Record<FieldId, (value: unknown) => string | undefined>>;

/** A dropdown's props hold a string: the form's values narrow it to the choices offered. */
const asDropdown = (props: { id: string }) => props as Partial<Form.ItemProps<string>> & { id: string };

/** A dropdown offering `choices`, each by its title. */
function Choices({ choices, ...dropdown }: Form.Dropdown.Props & { choices: { value: string; title: string }[] }) {
  return (
    <Form.Dropdown {...dropdown}>
      {choices.map((choice) => (
        <Form.Dropdown.Item key={choice.value} value={choice.value} title={choice.title} />
      ))}
    </Form.Dropdown>
  );
}

function SettingsEditor({ loaded }: { loaded: ConfigView }) {
  const [saved, setSaved] = useState(loaded);
  const [initial, setInitial] = useState(() => formFromConfig(loaded));
  const form = useForm<SettingsForm>({
    initialValues: initial,
    validation,
    onSubmit: async (shown) => {
      const patch = patchFromForm(initial, { ...form.values, ...shown });
      if (Object.keys(patch).length === 0) {
        await showToast({ style: Toast.Style.Success, title: "Nothing changed" });
        return true;
      }
      const toast = await showToast({ style: Toast.Style.Animated, title: "Saving the server settings…" });
      try {
        // Headscale restarts with them (and the helper puts the old ones back if it will not).
        const next = await call("config.set", { patch }, LIFECYCLE_TIMEOUT_MS);
        const fresh = formFromConfig(next);
        setSaved(next);
        setInitial(fresh);
        form.reset(fresh);
        toast.style = Toast.Style.Success;
        toast.title = savedTitle(next);
        await refreshMenuBar();
        return true;
      } catch (error) {
        // The helper kept the previous settings; the form keeps what was typed, to fix and retry.
        toast.style = Toast.Style.Failure;
        toast.title = "Could not save the server settings";
        toast.message = error instanceof Error ? error.message : String(error);
        return false;
      }
    },
  });
  /** Every problem at once, each field's and those between fields, before anything is sent. */
  const submit = (submitted: SettingsForm) => {
    // Raycast submits the fields it shows; the hidden TLS fields keep what the form holds.
    const values = { ...form.values, ...submitted };
    const problems = Object.entries(formProblems(values, initial, saved.serverUrl));
    if (problems.length === 0) {
      // useForm checks every field it has a check for: hand it only the shown ones.
      const shown = Object.fromEntries(visibleFields(values).map((id) => [id, values[id]]));
      return form.handleSubmit(shown as unknown as SettingsForm);
    }
    for (const [id, problem] of problems) form.setValidationError(id as FieldId, problem);
    form.focus(problems[0]![0] as FieldId);
    return false;
  };
  const { itemProps, values } = form;
  /** A dropdown whose choice may change another (TLS and reach go together). */
  const linked = (id: "reach" | "tlsMode") => {
    const props = asDropdown(itemProps[id]);
    return {
      ...props,
      onChange: (value: string) => {
        props.onChange?.(value);
        for (const [other, otherValue] of Object.entries(linkedChanges(values, id, value))) {
          form.setValue(other as FieldId, otherValue as never);
        }
      },
    };
  };
  const tls = values.tlsMode;
  return (
    <Form
      navigationTitle="Server Settings"
      actions={
        <ActionPanel>
          <Action.SubmitForm<SettingsForm> title="Save Settings" icon={Icon.Check} onSubmit={submit} />
        </ActionPanel>
      }
    >
      <Form.Description title="Devices Use" text={saved.serverUrl ?? saved.settings.serverUrl ?? "—"} />
      {saved.editedByHand && (
        <Form.Description
          title="Edited by Hand"
          text={`${saved.configPath} was edited by hand, so the helper leaves it alone: only Auto-Start can change here.`}
        />
      )}
      <Choices
        title="Reach"
        info="Who can join: it sets the listen address, URL and TLS together"
        choices={REACH_CHOICES}
        {...linked("reach")}
      />
      <Form.TextField
        title="Listen Address"
        placeholder="127.0.0.1:8080"
        info="host:port Headscale listens on. A new reach sets it, unless you change it here."
        {...itemProps.listenAddr}
      />
      <Form.TextField
        title="Server URL"
        placeholder="automatic"
        info="The URL devices log in to. Empty: automatic, from the reach, TLS and listen address."
        {...itemProps.serverUrl}
      />
      <Form.Separator />
      <Choices
        title="TLS"
        info="Headscale's own TLS, which the Internet reach needs"
        choices={TLS_CHOICES}
        {...linked("tlsMode")}
      />
      {tls !== "off" && (
        <Form.TextField
          title="Host Name"
          placeholder="hs.example.com"
          info="The certificate's name, which must resolve to this computer (or its router) for devices"
          {...itemProps.tlsHostname}
        />
      )}
      {tls === "acme" && (
        <>
          <Form.TextField title="Email" placeholder="you@example.com" {...itemProps.acmeEmail} />
          <Choices title="Challenge" choices={CHALLENGE_CHOICES} {...asDropdown(itemProps.acmeChallenge)} />
          <Form.TextField
            title="ACME URL"
            placeholder="Let's Encrypt"
            info="Another ACME server's directory URL; empty for Let's Encrypt"
            {...itemProps.acmeUrl}
          />
        </>
      )}
      {tls === "files" && (
        <>
          <Form.FilePicker
            title="Certificate"
            allowMultipleSelection={false}
            canChooseDirectories={false}
            showHiddenFiles
            info="PEM, with the chain; checked before it is used"
            {...itemProps.certPath}
          />
          <Form.FilePicker
            title="Private Key"
            allowMultipleSelection={false}
            canChooseDirectories={false}
            showHiddenFiles
            {...itemProps.keyPath}
          />
        </>
      )}
      <Form.Separator />
      <Choices title="Relay (DERP)" choices={DERP_CHOICES} {...asDropdown(itemProps.derp)} />
      <Form.Checkbox
        title="DNS"
        label="MagicDNS"
        info="Names like laptop.<base domain> for every node"
        {...itemProps.magicDns}
      />
      <Form.TextField title="Base Domain" placeholder="tail.example" {...itemProps.baseDomain} />
      <Form.TextField
        title="Nameservers"
        placeholder="192.0.2.53, https://dns.example/dns-query"
        info="Comma-separated IP addresses or DNS-over-HTTPS URLs handed to devices"
        {...itemProps.nameservers}
      />
      <Form.Separator />
      <Form.Checkbox title="Helper" label="Start Headscale with the helper" {...itemProps.autoStart} />
    </Form>
  );
}

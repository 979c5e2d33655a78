//! Diesel's view of the tables. Written by hand because one schema serves both backends: it uses
//! only column types PostgreSQL and SQLite share (see the migrations of either backend).

diesel::table! {
    authorities (code) {
        code -> Integer,
        name -> Text,
        region -> Text,
    }
}

diesel::table! {
    service_goals (category) {
        category -> Text,
        name_da -> Text,
        name_en -> Text,
        target_days -> Integer,
    }
}

diesel::table! {
    case_types (code) {
        code -> Text,
        domain -> Text,
        name_da -> Text,
        name_en -> Text,
        goal_categories -> Text,
    }
}

diesel::table! {
    reference_sequences (authority_code, year) {
        authority_code -> Integer,
        year -> Integer,
        last_value -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        kind -> Text,
        issuer -> Text,
        subject -> Text,
        name -> Text,
        email -> Nullable<Text>,
        cvr -> Nullable<Text>,
        authority_code -> Nullable<Integer>,
        created_at -> Timestamp,
        calendar_token -> Nullable<Text>,
    }
}

diesel::table! {
    cases (id) {
        id -> BigInt,
        reference -> Nullable<Text>,
        authority_code -> Integer,
        case_type_code -> Text,
        service_goal_category -> Nullable<Text>,
        title -> Text,
        channel -> Text,
        applicant_kind -> Text,
        applicant_subject -> Nullable<Text>,
        applicant_cvr -> Nullable<Text>,
        applicant_name -> Text,
        created_by_user_id -> Nullable<BigInt>,
        property_address -> Text,
        cadastral_number -> Text,
        description -> Text,
        form_data -> Text,
        state -> Text,
        declared_complete -> Bool,
        must_act -> Text,
        esdh_number -> Nullable<Text>,
        assignee_user_id -> Nullable<BigInt>,
        not_covered_reason -> Nullable<Text>,
        created_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        complete_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        expected_decision_on -> Nullable<Date>,
        version -> BigInt,
        tracking_token -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_mobile -> Nullable<Text>,
    }
}

diesel::table! {
    case_events (id) {
        id -> BigInt,
        case_id -> BigInt,
        seq -> Integer,
        kind -> Text,
        actor_kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_label -> Text,
        occurred_at -> Timestamp,
        state_after -> Text,
        must_act_after -> Text,
        visible_to_applicant -> Bool,
        public_text -> Nullable<Text>,
        internal_text -> Nullable<Text>,
        data -> Text,
        writer_xid -> BigInt,
        authority_code -> Integer,
    }
}

diesel::table! {
    information_requests (id) {
        id -> BigInt,
        case_id -> BigInt,
        event_id -> BigInt,
        message -> Text,
        created_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    information_request_items (id) {
        id -> BigInt,
        request_id -> BigInt,
        position -> Integer,
        description -> Text,
        deadline -> Date,
        status -> Text,
        answered_at -> Nullable<Timestamp>,
        answer_comment -> Nullable<Text>,
    }
}

diesel::table! {
    documents (id) {
        id -> BigInt,
        case_id -> BigInt,
        sha256 -> Text,
        filename -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        kind -> Text,
        request_item_id -> Nullable<BigInt>,
        uploaded_by_kind -> Text,
        uploaded_by_user_id -> Nullable<BigInt>,
        visible_to_applicant -> Bool,
        uploaded_at -> Timestamp,
    }
}

diesel::joinable!(cases -> authorities (authority_code));
diesel::joinable!(cases -> case_types (case_type_code));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(information_requests -> cases (case_id));
diesel::joinable!(information_request_items -> information_requests (request_id));
diesel::joinable!(documents -> cases (case_id));

diesel::allow_tables_to_appear_in_same_query!(
    authorities,
    service_goals,
    case_types,
    reference_sequences,
    users,
    cases,
    case_events,
    information_requests,
    information_request_items,
    documents,
    web_sessions,
    case_views,
    case_access_log,
    contact_preferences,
    outbox_messages,
    decision_figures,
    status_lookups,
    api_clients,
    idempotency_records,
    webhook_endpoints,
);

diesel::table! {
    web_sessions (id) {
        id -> Text,
        data -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    case_views (user_id, case_id) {
        user_id -> BigInt,
        case_id -> BigInt,
        last_seen_at -> Timestamp,
    }
}

diesel::joinable!(case_views -> cases (case_id));
diesel::joinable!(case_views -> users (user_id));

diesel::table! {
    case_access_log (id) {
        id -> BigInt,
        case_id -> BigInt,
        user_id -> BigInt,
        viewed_at -> Timestamp,
    }
}

diesel::joinable!(case_access_log -> cases (case_id));
diesel::joinable!(case_access_log -> users (user_id));

diesel::table! {
    contact_preferences (user_id) {
        user_id -> BigInt,
        email -> Nullable<Text>,
        mobile -> Nullable<Text>,
        language -> Text,
        email_topics -> Text,
        sms_topics -> Text,
        company_cases -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> BigInt,
        dedup_key -> Text,
        case_id -> Nullable<BigInt>,
        event_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        topic -> Text,
        channel -> Text,
        recipient -> Text,
        language -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        leased_until -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(contact_preferences -> users (user_id));
diesel::joinable!(outbox_messages -> cases (case_id));

diesel::table! {
    decision_figures (case_id) {
        case_id -> BigInt,
        authority_code -> Integer,
        case_type_code -> Text,
        decided_on -> Date,
        total_days -> Integer,
        authority_days -> Integer,
        applicant_days -> Integer,
        goal_days_used -> Nullable<Integer>,
        goal_status -> Text,
        not_covered -> Nullable<Text>,
    }
}

diesel::table! {
    status_lookups (authority_code, month) {
        authority_code -> Integer,
        month -> Text,
        lookups -> BigInt,
    }
}

diesel::table! {
    api_clients (id) {
        id -> BigInt,
        authority_code -> Integer,
        name -> Text,
        secret_sha256 -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_records (client_id, idempotency_key) {
        client_id -> BigInt,
        idempotency_key -> Text,
        request_sha256 -> Text,
        status_code -> Integer,
        response_body -> Text,
        etag -> Nullable<Text>,
        location -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        cvr -> Nullable<Text>,
        api_client_id -> Nullable<BigInt>,
        url -> Text,
        secret -> Text,
        created_by_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(api_clients -> authorities (authority_code));
diesel::joinable!(idempotency_records -> api_clients (client_id));
diesel::joinable!(webhook_endpoints -> api_clients (api_client_id));

diesel::table! {
    document_blobs (sha256) {
        sha256 -> Text,
        size_bytes -> BigInt,
        chunk_count -> Integer,
        stored_at -> Timestamp,
    }
}

diesel::table! {
    document_chunks (sha256, seq) {
        sha256 -> Text,
        seq -> Integer,
        data -> Binary,
    }
}

diesel::joinable!(document_chunks -> document_blobs (sha256));
diesel::allow_tables_to_appear_in_same_query!(documents, document_blobs, document_chunks);

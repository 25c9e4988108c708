// Relay documents: read by relay-compiler only (the tests import the
// artifacts it writes to __generated__, as babel-plugin-relay would).
import { graphql } from 'relay-runtime';

export const SignInMutation = graphql`
  mutation SignInMutation($email: String!, $password: String!) {
    login(input: { email: $email, password: $password }) {
      token
      user { id email }
      userErrors { field message code }
    }
  }
`;
